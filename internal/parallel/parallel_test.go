package parallel

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
)

func TestDoRunsEveryPieceOnce(t *testing.T) {
	var seen [1000]atomic.Int32
	if err := Do(len(seen), func(i int) error { seen[i].Add(1); return nil }); err != nil {
		t.Fatal(err)
	}
	for i := range seen {
		if n := seen[i].Load(); n != 1 {
			t.Fatalf("piece %d ran %d times", i, n)
		}
	}
	if err := Do(0, func(int) error { t.Fatal("ran with n = 0"); return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestDoReportsAnErrorAndAPanic(t *testing.T) {
	boom := errors.New("boom")
	if err := Do(50, func(i int) error {
		if i == 7 {
			return boom
		}
		return nil
	}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	err := Do(3, func(i int) error {
		if i == 1 {
			panic("bad page")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "bad page") {
		t.Errorf("err = %v, want the panic as an error", err)
	}
}

func TestDoOnKeepsToItsWorkers(t *testing.T) {
	var running, most atomic.Int32
	err := DoOn(1, 20, func(int) error {
		n := running.Add(1)
		if n > most.Load() {
			most.Store(n)
		}
		running.Add(-1)
		return nil
	})
	if err != nil || most.Load() != 1 {
		t.Errorf("DoOn(1, …) ran %d pieces at once (err %v)", most.Load(), err)
	}
}
