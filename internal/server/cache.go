package server

import (
	"container/list"
	"sync"

	"github.com/kb-handbook/kb/internal/search"
)

// resultCache keeps the most recently used search results. An index never
// changes once built, so a result stays right until the index is swapped,
// which starts a new cache.
type resultCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cacheEntry, most recent first
	items map[search.Request]*list.Element
}

type cacheEntry struct {
	req search.Request
	res *search.Result
}

func newResultCache(size int) *resultCache {
	return &resultCache{size: size, order: list.New(), items: map[search.Request]*list.Element{}}
}

func (c *resultCache) get(req search.Request) (*search.Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[req]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).res, true
}

func (c *resultCache) put(req search.Request, res *search.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[req]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.items[req] = c.order.PushFront(&cacheEntry{req, res})
	if c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).req)
	}
}
