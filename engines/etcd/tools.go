//go:build tools

// etcd for the local control plane. Debian's etcd-server (3.4) is older than Kubernetes 1.36 accepts.
// go.etcd.io/etcd/server/v3 is the server's main package; its go.mod replaces the sibling etcd
// modules with relative paths, which do not apply here, so they resolve to their own v3.6 tags.
package engines

import _ "go.etcd.io/etcd/server/v3"
