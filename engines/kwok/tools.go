//go:build tools

// KWOK's controller: fake Nodes that heartbeat and Pods that become Ready without a kubelet.
package engines

import _ "sigs.k8s.io/kwok/cmd/kwok"
