package markdown

import (
	"bytes"
	"testing"
)

// highlightSamples are short code blocks of the kinds a security handbook
// shows: a shell session, PowerShell, configuration and log lines.
var highlightSamples = []struct{ lang, code string }{
	{"powershell", "Get-BitLockerVolume | Select-Object MountPoint, ProtectionStatus\nwbadmin get versions\n"},
	{"bash", "sudo apt-get update && sudo apt-get upgrade -y\ngrep -c 'Failed password' /var/log/auth.log\n"},
	{"yaml", "backup:\n  schedule: \"0 2 * * *\"\n  keep: 30\n  targets: [/srv/share, /etc]\n"},
	{"json", "{\"user\": \"tanaka\", \"mfa\": true, \"groups\": [\"sales\", \"vpn\"]}\n"},
}

// BenchmarkHighlight highlights each sample once per iteration.
func BenchmarkHighlight(b *testing.B) {
	for _, s := range highlightSamples {
		b.Run(s.lang, func(b *testing.B) {
			var w bytes.Buffer
			for b.Loop() {
				w.Reset()
				writeCode(&w, s.lang, []byte(s.code))
			}
		})
	}
}
