package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Handler serves one Store over the Kubernetes HTTP API paths a list/watch client uses.
type Handler struct {
	Store *Store
	// BookmarkInterval is how often a watch with allowWatchBookmarks gets a BOOKMARK (default 1 min, as kube-apiserver).
	BookmarkInterval time.Duration
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "the fake API server is read-only")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/version":
		writeJSON(w, map[string]string{"major": "1", "minor": "34", "gitVersion": "v1.34.4-fakeapi", "platform": "linux/amd64"})
	case r.URL.Path == "/readyz" || r.URL.Path == "/livez" || r.URL.Path == "/healthz":
		_, _ = w.Write([]byte("ok"))
	case r.URL.Path == "/api":
		writeJSON(w, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
	case r.URL.Path == "/api/v1":
		writeJSON(w, map[string]any{"kind": "APIResourceList", "groupVersion": "v1", "resources": []any{}})
	case r.URL.Path == "/apis":
		writeJSON(w, h.groupList())
	case parts[0] == "apis" && len(parts) == 2:
		h.serveGroup(w, parts[1])
	case parts[0] == "apis" && len(parts) == 3:
		h.serveResourceList(w, parts[1], parts[2])
	case parts[0] == "apis" && len(parts) >= 4:
		h.serveObjects(w, r, parts[1], parts[2], parts[3:])
	default:
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
	}
}

func (h *Handler) groups() map[string][]Resource {
	out := map[string][]Resource{}
	for _, res := range h.Store.Resources() {
		out[res.Group] = append(out[res.Group], res)
	}
	return out
}

func groupObject(name string, resources []Resource) map[string]any {
	versions := map[string]bool{}
	var list []map[string]string
	for _, r := range resources {
		if !versions[r.Version] {
			versions[r.Version] = true
			list = append(list, map[string]string{"groupVersion": r.groupVersion(), "version": r.Version})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i]["version"] < list[j]["version"] })
	return map[string]any{"kind": "APIGroup", "apiVersion": "v1", "name": name, "versions": list, "preferredVersion": list[0]}
}

func (h *Handler) groupList() map[string]any {
	var groups []map[string]any
	for name, resources := range h.groups() {
		groups = append(groups, groupObject(name, resources))
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i]["name"].(string) < groups[j]["name"].(string) })
	return map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}
}

func (h *Handler) serveGroup(w http.ResponseWriter, group string) {
	resources, ok := h.groups()[group]
	if !ok {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	writeJSON(w, groupObject(group, resources))
}

func (h *Handler) serveResourceList(w http.ResponseWriter, group, version string) {
	var list []map[string]any
	for _, r := range h.groups()[group] {
		if r.Version == version {
			list = append(list, map[string]any{"name": r.Plural, "singularName": strings.ToLower(r.Kind), "namespaced": r.Namespaced,
				"kind": r.Kind, "verbs": []string{"get", "list", "watch"}})
			list = append(list, map[string]any{"name": r.Plural + "/status", "singularName": "", "namespaced": r.Namespaced,
				"kind": r.Kind, "verbs": []string{"get"}})
		}
	}
	if list == nil {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	writeJSON(w, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group + "/" + version, "resources": list})
}

// serveObjects handles {plural}[/{name}] and namespaces/{ns}/{plural}[/{name}].
func (h *Handler) serveObjects(w http.ResponseWriter, r *http.Request, group, version string, rest []string) {
	ns := ""
	if rest[0] == "namespaces" && len(rest) >= 3 {
		ns, rest = rest[1], rest[2:]
	}
	res, ok := h.Store.resource(rest[0])
	if !ok || res.Group != group || res.Version != version || len(rest) > 2 || (ns != "" && !res.Namespaced) {
		writeStatus(w, http.StatusNotFound, "NotFound", "the server could not find the requested resource")
		return
	}
	if len(rest) == 2 {
		obj, ok := h.Store.Get(res.Plural, ns, rest[1])
		if !ok {
			writeStatus(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", res.Plural, rest[1]))
			return
		}
		writeJSON(w, obj)
		return
	}
	q := r.URL.Query()
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		h.watch(w, r, res, ns)
		return
	}
	items, rv, _ := h.Store.List(res.Plural, ns)
	writeJSON(w, map[string]any{"apiVersion": res.groupVersion(), "kind": res.Kind + "List",
		"metadata": map[string]string{"resourceVersion": strconv.FormatInt(rv, 10)}, "items": items})
}

func (h *Handler) watch(w http.ResponseWriter, r *http.Request, res Resource, ns string) {
	q := r.URL.Query()
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	// As kube-apiserver: the headers go out at once, not with the first event (a quiet watch
	// would otherwise look unanswered to a client with a connect timeout).
	if flusher != nil {
		flusher.Flush()
	}
	enc := json.NewEncoder(w)
	send := func(typ string, obj any) bool {
		if err := enc.Encode(map[string]any{"type": typ, "object": obj}); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}

	from, initial := int64(0), false
	switch v := q.Get("resourceVersion"); v {
	case "", "0":
		initial = true
	default:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			send("ERROR", statusObject(http.StatusBadRequest, "BadRequest", "invalid resourceVersion "+v))
			return
		}
		from = n
	}
	if initial {
		// As kube-apiserver: a watch without a resourceVersion starts with the current objects.
		from = h.Store.CurrentRV()
		items, _, _ := h.Store.List(res.Plural, ns)
		for _, o := range items {
			if !send("ADDED", o) {
				return
			}
		}
	}
	replay, ch, current, gone := h.Store.Subscribe(from)
	if gone {
		send("ERROR", statusObject(http.StatusGone, "Expired", fmt.Sprintf("too old resource version: %d (%d)", from, current)))
		return
	}
	defer h.Store.Unsubscribe(ch)
	matches := func(e Event) bool { return e.Resource == res.Plural && (ns == "" || e.ns == ns) }
	for _, e := range replay {
		if matches(e) && !send(e.Type, e.Object) {
			return
		}
	}

	timeout := 30 * time.Minute
	if s, err := strconv.Atoi(q.Get("timeoutSeconds")); err == nil && s > 0 {
		timeout = time.Duration(s) * time.Second
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	interval := h.BookmarkInterval
	if interval <= 0 {
		interval = time.Minute
	}
	bookmarks := time.NewTicker(interval)
	defer bookmarks.Stop()
	wantBookmarks := q.Get("allowWatchBookmarks") == "true"
	for {
		select {
		case <-r.Context().Done():
			return
		case <-deadline.C:
			return
		case e, ok := <-ch:
			if !ok {
				return
			}
			if matches(e) && !send(e.Type, e.Object) {
				return
			}
		case <-bookmarks.C:
			if wantBookmarks {
				rv := strconv.FormatInt(h.Store.CurrentRV(), 10)
				if !send("BOOKMARK", map[string]any{"apiVersion": res.groupVersion(), "kind": res.Kind,
					"metadata": map[string]string{"resourceVersion": rv}}) {
					return
				}
			}
		}
	}
}

func statusObject(code int, reason, message string) map[string]any {
	return map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": message, "reason": reason, "code": code}
}

func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(statusObject(code, reason, message))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
