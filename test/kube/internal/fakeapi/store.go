// Package fakeapi serves the few Kubernetes API paths a list/watch client uses, from memory:
// discovery, list with resourceVersion, watch with bookmarks, and 410 Gone for a resourceVersion
// older than the kept history. It stands in for hundreds of island API servers in benchmarks,
// the way Cluster API's in-memory provider fakes API servers for its scale tests. It is not a
// Kubernetes API server: no validation, no auth, no field selectors.
package fakeapi

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Resource is one served kind.
type Resource struct {
	Group      string `json:"group"`
	Version    string `json:"version"`
	Kind       string `json:"kind"`
	Plural     string `json:"plural"`
	Namespaced bool   `json:"namespaced"`
}

func (r Resource) groupVersion() string { return r.Group + "/" + r.Version }

// Event is one change, as a watch sends it.
type Event struct {
	Type     string          // ADDED, MODIFIED, DELETED
	Resource string          // plural
	RV       int64           // the resourceVersion the change produced
	Object   json.RawMessage // the object with metadata.resourceVersion set
	ns       string
}

type stored struct {
	ns   string
	name string
	obj  map[string]any
}

// Store holds the objects of one fake cluster and its recent history.
type Store struct {
	mu        sync.Mutex
	resources map[string]Resource          // by plural
	objects   map[string]map[string]stored // plural -> ns/name -> object
	rv        int64
	history   []Event // oldest first; watches from an RV older than history[0].RV-1 get 410
	maxEvents int
	listeners map[chan Event]struct{}
}

// NewStore makes an empty store serving the given resources; it keeps the last maxEvents changes.
func NewStore(resources []Resource, maxEvents int) *Store {
	s := &Store{
		resources: map[string]Resource{},
		objects:   map[string]map[string]stored{},
		rv:        1,
		maxEvents: maxEvents,
		listeners: map[chan Event]struct{}{},
	}
	for _, r := range resources {
		s.resources[r.Plural] = r
		s.objects[r.Plural] = map[string]stored{}
	}
	return s
}

// Upsert adds or replaces an object (by its kind's plural, namespace and name).
func (s *Store) Upsert(obj map[string]any) error {
	r, ns, name, err := s.identify(obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := ns + "/" + name
	typ := "MODIFIED"
	if _, ok := s.objects[r.Plural][key]; !ok {
		typ = "ADDED"
	}
	s.rv++
	meta := obj["metadata"].(map[string]any)
	meta["resourceVersion"] = fmt.Sprint(s.rv)
	if _, ok := meta["uid"]; !ok {
		meta["uid"] = fmt.Sprintf("fake-%s-%d", r.Plural, s.rv)
	}
	s.objects[r.Plural][key] = stored{ns: ns, name: name, obj: obj}
	s.record(typ, r.Plural, ns, obj)
	return nil
}

// Delete removes an object; deleting a missing object is not an error.
func (s *Store) Delete(plural, ns, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := ns + "/" + name
	cur, ok := s.objects[plural][key]
	if !ok {
		return
	}
	delete(s.objects[plural], key)
	s.rv++
	cur.obj["metadata"].(map[string]any)["resourceVersion"] = fmt.Sprint(s.rv)
	s.record("DELETED", plural, ns, cur.obj)
}

// Compact forgets the history, so every watch from an older resourceVersion gets 410 Gone.
func (s *Store) Compact() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.history = nil
}

// List returns the objects of a kind (in one namespace, or all when ns is empty) and the current RV.
func (s *Store) List(plural, ns string) ([]map[string]any, int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	objs, ok := s.objects[plural]
	if !ok {
		return nil, 0, false
	}
	items := make([]map[string]any, 0, len(objs))
	for _, o := range objs {
		if ns == "" || o.ns == ns {
			items = append(items, o.obj)
		}
	}
	return items, s.rv, true
}

// Get returns one object.
func (s *Store) Get(plural, ns, name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[plural][ns+"/"+name]
	return o.obj, ok
}

// Subscribe returns the changes after fromRV (replayed from history) and a channel with the
// ones that follow; gone is true when fromRV is older than the kept history.
func (s *Store) Subscribe(fromRV int64) (replay []Event, ch chan Event, current int64, gone bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fromRV < s.rv && (len(s.history) == 0 || s.history[0].RV > fromRV+1) {
		return nil, nil, s.rv, true
	}
	for _, e := range s.history {
		if e.RV > fromRV {
			replay = append(replay, e)
		}
	}
	ch = make(chan Event, 1024)
	s.listeners[ch] = struct{}{}
	return replay, ch, s.rv, false
}

// Unsubscribe stops sending to ch.
func (s *Store) Unsubscribe(ch chan Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.listeners, ch)
}

// CurrentRV is the latest resourceVersion.
func (s *Store) CurrentRV() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rv
}

// Resources lists the served kinds.
func (s *Store) Resources() []Resource {
	out := make([]Resource, 0, len(s.resources))
	for _, r := range s.resources {
		out = append(out, r)
	}
	return out
}

func (s *Store) resource(plural string) (Resource, bool) {
	r, ok := s.resources[plural]
	return r, ok
}

func (s *Store) identify(obj map[string]any) (Resource, string, string, error) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	if meta == nil {
		return Resource{}, "", "", fmt.Errorf("object without metadata")
	}
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	for _, r := range s.resources {
		if r.Kind == kind && r.groupVersion() == apiVersion {
			if name == "" {
				return r, "", "", fmt.Errorf("%s without metadata.name", kind)
			}
			if r.Namespaced && ns == "" {
				return r, "", "", fmt.Errorf("%s %s without metadata.namespace", kind, name)
			}
			if !r.Namespaced {
				ns = ""
			}
			return r, ns, name, nil
		}
	}
	return Resource{}, "", "", fmt.Errorf("kind %s %s is not served", apiVersion, kind)
}

// record appends to the history and fans out; the caller holds the lock.
func (s *Store) record(typ, plural, ns string, obj map[string]any) {
	raw, _ := json.Marshal(obj)
	e := Event{Type: typ, Resource: plural, RV: s.rv, Object: raw, ns: ns}
	s.history = append(s.history, e)
	if len(s.history) > s.maxEvents {
		s.history = s.history[len(s.history)-s.maxEvents:]
	}
	for ch := range s.listeners {
		select {
		case ch <- e:
		default:
			// A watcher that cannot keep up is closed; it relists, as with a real API server.
			close(ch)
			delete(s.listeners, ch)
		}
	}
}
