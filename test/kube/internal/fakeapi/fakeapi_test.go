package fakeapi

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var tcp = Resource{Group: "kamaji.clastix.io", Version: "v1alpha1", Kind: "TenantControlPlane", Plural: "tenantcontrolplanes", Namespaced: true}
var ds = Resource{Group: "kamaji.clastix.io", Version: "v1alpha1", Kind: "DataStore", Plural: "datastores", Namespaced: false}

func tcpObject(ns, name string) map[string]any {
	return map[string]any{"apiVersion": "kamaji.clastix.io/v1alpha1", "kind": "TenantControlPlane",
		"metadata": map[string]any{"name": name, "namespace": ns}}
}

func newServer(t *testing.T, maxEvents int) (*Store, *httptest.Server) {
	t.Helper()
	store := NewStore([]Resource{tcp, ds}, maxEvents)
	srv := httptest.NewServer(&Handler{Store: store, BookmarkInterval: 50 * time.Millisecond})
	// Watches stream until the client goes away: cut the connections first, or Close waits for them.
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return store, srv
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

type watchEvent struct {
	Type   string         `json:"type"`
	Object map[string]any `json:"object"`
}

func watch(t *testing.T, url string) <-chan watchEvent {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan watchEvent, 100)
	go func() {
		defer res.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			var e watchEvent
			if json.Unmarshal(sc.Bytes(), &e) == nil {
				ch <- e
			}
		}
	}()
	return ch
}

func next(t *testing.T, ch <-chan watchEvent) watchEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("watch closed")
		}
		return e
	case <-time.After(3 * time.Second):
		t.Fatal("no watch event within 3 s")
	}
	return watchEvent{}
}

func TestListAllNamespacesAndOneNamespace(t *testing.T) {
	store, srv := newServer(t, 100)
	_ = store.Upsert(tcpObject("a", "one"))
	_ = store.Upsert(tcpObject("b", "two"))
	code, all := getJSON(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/tenantcontrolplanes")
	if code != 200 || len(all["items"].([]any)) != 2 || all["kind"] != "TenantControlPlaneList" {
		t.Fatalf("list all: %d %v", code, all)
	}
	if rv := all["metadata"].(map[string]any)["resourceVersion"]; rv != "3" {
		t.Fatalf("list resourceVersion %v, want 3", rv)
	}
	_, inA := getJSON(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/namespaces/a/tenantcontrolplanes")
	if len(inA["items"].([]any)) != 1 {
		t.Fatalf("namespace a: %v", inA)
	}
	if code, _ := getJSON(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/clusters"); code != 404 {
		t.Fatalf("unknown resource: %d, want 404", code)
	}
}

func TestDiscovery(t *testing.T) {
	_, srv := newServer(t, 100)
	_, groups := getJSON(t, srv.URL+"/apis")
	if g := groups["groups"].([]any); len(g) != 1 || g[0].(map[string]any)["name"] != "kamaji.clastix.io" {
		t.Fatalf("groups: %v", groups)
	}
	_, list := getJSON(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1")
	if len(list["resources"].([]any)) != 4 {
		t.Fatalf("resources: %v", list)
	}
}

func TestWatchReplaysFromResourceVersionThenStreams(t *testing.T) {
	store, srv := newServer(t, 100)
	_ = store.Upsert(tcpObject("a", "one")) // rv 2
	_ = store.Upsert(tcpObject("a", "two")) // rv 3
	ch := watch(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/tenantcontrolplanes?watch=true&resourceVersion=2")
	if e := next(t, ch); e.Type != "ADDED" || e.Object["metadata"].(map[string]any)["name"] != "two" {
		t.Fatalf("replay: %+v", e)
	}
	store.Delete("tenantcontrolplanes", "a", "one")
	if e := next(t, ch); e.Type != "DELETED" || e.Object["metadata"].(map[string]any)["resourceVersion"] != "4" {
		t.Fatalf("stream: %+v", e)
	}
}

func TestWatchFromTooOldResourceVersionIsGone(t *testing.T) {
	store, srv := newServer(t, 2)
	for _, n := range []string{"a", "b", "c", "d"} {
		_ = store.Upsert(tcpObject("x", n))
	}
	e := next(t, watch(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/tenantcontrolplanes?watch=1&resourceVersion=1"))
	if e.Type != "ERROR" || e.Object["code"].(float64) != 410 || e.Object["reason"] != "Expired" {
		t.Fatalf("want 410 Expired, got %+v", e)
	}
	store.Compact()
	rv := store.CurrentRV()
	if _, _, _, gone := store.Subscribe(rv); gone {
		t.Fatal("a watch from the current resourceVersion must not be gone after a compaction")
	}
}

func TestWatchSendsBookmarksWhenAllowed(t *testing.T) {
	_, srv := newServer(t, 100)
	ch := watch(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/datastores?watch=true&resourceVersion=1&allowWatchBookmarks=true")
	if e := next(t, ch); e.Type != "BOOKMARK" || e.Object["metadata"].(map[string]any)["resourceVersion"] != "1" {
		t.Fatalf("bookmark: %+v", e)
	}
}

// kube-apiserver sends a watch's response headers at once; a client that waits for them (with
// a connect timeout) must not see a quiet watch as one that never answered.
func TestQuietWatchAnswersAtOnce(t *testing.T) {
	store := NewStore([]Resource{tcp, ds}, 100)
	srv := httptest.NewServer(&Handler{Store: store, BookmarkInterval: time.Hour})
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	client := http.Client{Timeout: 2 * time.Second}
	res, err := client.Get(srv.URL + "/apis/kamaji.clastix.io/v1alpha1/datastores?watch=true&resourceVersion=1&allowWatchBookmarks=true")
	if err != nil {
		t.Fatalf("a watch without events must answer with its headers: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
}

func TestWatchWithoutResourceVersionStartsWithCurrentObjects(t *testing.T) {
	store, srv := newServer(t, 100)
	_ = store.Upsert(map[string]any{"apiVersion": "kamaji.clastix.io/v1alpha1", "kind": "DataStore", "metadata": map[string]any{"name": "default"}})
	e := next(t, watch(t, srv.URL+"/apis/kamaji.clastix.io/v1alpha1/datastores?watch=true"))
	if e.Type != "ADDED" || !strings.HasPrefix(e.Object["metadata"].(map[string]any)["uid"].(string), "fake-") {
		t.Fatalf("initial event: %+v", e)
	}
}

func TestFleetStopClosesConnectionsAndStartReopensTheSamePort(t *testing.T) {
	var spec Spec
	spec.Resources = []Resource{tcp}
	spec.Clusters = append(spec.Clusters, struct {
		Name    string           `json:"name"`
		Objects []map[string]any `json:"objects"`
	}{Name: "island-1", Objects: []map[string]any{tcpObject("k", "t")}})
	fleet, _, err := NewFleet(spec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := fleet.Start(); err != nil {
		t.Fatal(err)
	}
	defer fleet.Stop()
	c := fleet.clusters["island-1"]
	addr := c.addr
	c.stop()
	if _, err := http.Get("https://" + addr + "/readyz"); err == nil {
		t.Fatal("a stopped fake cluster still answers")
	}
	if err := c.start(fleet.tlsConf); err != nil || c.addr != addr {
		t.Fatalf("restart: %v, addr %s (was %s)", err, c.addr, addr)
	}
}
