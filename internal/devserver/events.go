package devserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// eventData is the JSON payload of an event; reload.js reads it.
type eventData struct {
	Gen    uint64            `json:"gen"`
	Pages  []string          `json:"pages,omitempty"`  // reload: the changed pages' paths
	All    bool              `json:"all,omitempty"`    // reload: every page
	Swaps  map[string]string `json:"swaps,omitempty"`  // css: old stylesheet path → new
	Errors []problem         `json:"errors,omitempty"` // errors: the build's problems
}

// problem is a diagnostic as the overlay shows it.
type problem struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Col    int    `json:"col,omitempty"`
	Msg    string `json:"msg"`
	Hint   string `json:"hint,omitempty"`
	Source string `json:"source,omitempty"`
}

// message is one Server-Sent Event, already encoded.
type message []byte

func encode(event string, data eventData) message {
	body, err := json.Marshal(data)
	if err != nil {
		panic(err) // eventData always encodes
	}
	return message(fmt.Sprintf("event: %s\ndata: %s\n\n", event, body))
}

// hub fans events out to the connected browsers.
type hub struct {
	mu      sync.Mutex
	clients map[*client]bool
}

// client is one connected browser. A client that falls behind is dropped;
// its browser reconnects and catches up from the build it shows.
type client struct {
	ch      chan message
	dropped chan struct{}
}

func (h *hub) add() *client {
	c := &client{ch: make(chan message, 16), dropped: make(chan struct{})}
	h.mu.Lock()
	h.clients[c] = true
	h.mu.Unlock()
	return c
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	if h.clients[c] {
		delete(h.clients, c)
		close(c.dropped)
	}
	h.mu.Unlock()
}

func (h *hub) send(event string, data eventData) {
	m := encode(event, data)
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.ch <- m:
		default:
			delete(h.clients, c)
			close(c.dropped)
		}
	}
}

// events streams the build events to one browser. The query names the
// build the page was served from and the page's path, so that a change the
// browser missed while it was (re)loading reloads it at once.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		m, _ := s.texts()
		http.Error(w, m.Get("server.no_events"), http.StatusInternalServerError)
		return
	}
	var seen uint64
	_, _ = fmt.Sscan(r.URL.Query().Get("gen"), &seen)
	page := r.URL.Query().Get("page")

	// The stream lasts as long as the page is open, past the server's write timeout.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	c := s.hub.add() // before looking at the state, so that no build falls in between
	defer s.hub.remove(c)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)

	s.mu.Lock()
	gen, failure := s.gen, s.failure
	stale := s.changedAt[page] > seen
	s.mu.Unlock()
	if failure != nil {
		_, _ = w.Write(encode("errors", *failure))
	}
	if stale {
		_, _ = w.Write(encode("reload", eventData{Gen: gen, Pages: []string{page}}))
	}
	_, _ = io.WriteString(w, ": connected\n\n")
	flusher.Flush()

	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		var m message
		select {
		case <-r.Context().Done():
			return
		case <-s.closing:
			return
		case <-c.dropped:
			return
		case <-ping.C:
			m = message(": ping\n\n")
		case m = <-c.ch:
		}
		if _, err := w.Write(m); err != nil {
			return
		}
		flusher.Flush()
	}
}
