//go:build tools

// Package tools pins the CAPI core manager so `go mod tidy` keeps its dependencies.
package tools

import _ "sigs.k8s.io/cluster-api/core"
