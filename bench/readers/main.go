// Command readers times concurrent HTTP readers of one URL to their last byte, with gzip on the
// wire and not decoded, as an HTTP load tool does. Go's scheduler spreads the readers over the
// cores without the event-loop and GC pauses a Node client process adds to its own figures, so
// what it measures is the server. The bearer token comes from READERS_TOKEN (not argv, which ps
// shows). It prints the bench's Stats as JSON: {n, p50, p95, objects, errors, firstError}.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

type stats struct {
	N          int     `json:"n"`
	P50        float64 `json:"p50"`
	P95        float64 `json:"p95"`
	Objects    int64   `json:"objects"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"firstError,omitempty"`
}

type recorder struct {
	mu         sync.Mutex
	millis     []float64
	bytes      int64
	errors     int
	firstError string
}

func (r *recorder) record(elapsed time.Duration, bytes int64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.errors++
		if r.firstError == "" {
			r.firstError = err.Error()
		}
		return
	}
	r.millis = append(r.millis, float64(elapsed.Microseconds())/1000)
	r.bytes = bytes
}

// percentile is the nearest rank, as bench/timing.ts computes it.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(len(sorted), max(1, rank))-1]
}

func (r *recorder) stats(n int) stats {
	sort.Float64s(r.millis)
	return stats{N: n, P50: percentile(r.millis, 50), P95: percentile(r.millis, 95),
		Objects: r.bytes, Errors: r.errors, FirstError: r.firstError}
}

// read is one GET that accepts gzip, read to its last byte; it returns the bytes read.
func read(client *http.Client, url, token string) (int64, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	bytes, err := io.Copy(io.Discard, res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", res.StatusCode)
	}
	return bytes, err
}

// round runs `readers` clients reading `perReader` times each, one after the other.
func round(client *http.Client, url, token string, readers, perReader int) stats {
	rec := &recorder{}
	var wg sync.WaitGroup
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perReader {
				start := time.Now()
				bytes, err := read(client, url, token)
				rec.record(time.Since(start), bytes, err)
			}
		}()
	}
	wg.Wait()
	return rec.stats(readers * perReader)
}

func main() {
	url := flag.String("url", "", "the URL every reader GETs")
	readers := flag.Int("readers", 100, "concurrent readers")
	perReader := flag.Int("per-reader", 5, "timed reads of each reader")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "readers: -url is required")
		os.Exit(2)
	}
	transport := &http.Transport{MaxIdleConnsPerHost: *readers, DisableCompression: true}
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	token := os.Getenv("READERS_TOKEN")
	// An untimed round opens the connections, as the Node readers' first round does.
	round(client, *url, token, *readers, 1)
	if err := json.NewEncoder(os.Stdout).Encode(round(client, *url, token, *readers, *perReader)); err != nil {
		fmt.Fprintln(os.Stderr, "readers:", err)
		os.Exit(1)
	}
}
