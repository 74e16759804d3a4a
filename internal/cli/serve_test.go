package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestServeRefusesOtherMachinesWithoutPublic(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "0.0.0.0:8080"}, "pass --public"},
		{[]string{"serve", "--addr", ":8080"}, "pass --public"},
		{[]string{"serve", "--addr", "192.0.2.1:8080"}, "pass --public"},
		{[]string{"serve", "--addr", "8080"}, "bad --addr"},
		{[]string{"serve", "extra"}, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tt.args, &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tt.args, code, stderr.String(), ExitUsage, tt.want)
		}
	}
}
