// Command kubeplane runs a real local Kubernetes control plane for tests and demos:
// an embedded etcd v3.6.4 and one kube-apiserver v1.34.4 process per cluster.
//
//	kubeplane up --state-dir DIR --cluster NAME=SET[,SET...] ... [--crds DIR] [--user NAME[:G1+G2]] ...
//	kubeplane apiserver <kube-apiserver flags>   (one apiserver per OS process; used by `up`)
//	kubeplane fake-islands --spec FILE --ca-dir DIR --out FILE   (light list/watch servers for benchmarks)
//	kubeplane serving-cert --state-dir DIR --out DIR   (tls.crt/tls.key signed by the CA, e.g. for webhooks)
//	kubeplane version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	etcdversion "go.etcd.io/etcd/api/v3/version"
	"k8s.io/component-base/cli"
	"k8s.io/component-base/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"

	"kamaji-backstage/test/kube/internal/supervisor"
)

// Pinned versions (go.mod pins the modules; build.sh stamps the Kubernetes version).
const (
	KubernetesVersion = "v1.34.4"
	EtcdVersion       = "v3.6.4"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "apiserver":
		cmd := app.NewAPIServerCommand()
		cmd.SetArgs(os.Args[2:])
		os.Exit(cli.Run(cmd))
	case "up":
		os.Exit(up(os.Args[2:]))
	case "fake-islands":
		os.Exit(fakeIslands(os.Args[2:]))
	case "serving-cert":
		os.Exit(servingCert(os.Args[2:]))
	case "version", "--version", "-version":
		fmt.Printf("kubeplane: kubernetes %s (kube-apiserver reports %s), etcd %s (embedded %s)\n",
			KubernetesVersion, version.Get().GitVersion, EtcdVersion, "v"+etcdversion.Version)
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "kubeplane: unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

func up(args []string) int {
	cfg, err := supervisor.ParseUpArgs(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kubeplane up: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := supervisor.Run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "kubeplane up: %v\n", err)
		return 1
	}
	return 0
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  kubeplane up --state-dir DIR --cluster NAME=SET[,SET...] [--cluster ...] [--crds DIR]
               [--user NAME[:GROUP1+GROUP2...]] [--apiserver-arg=--flag=value] [--etcd-data-keep]
  kubeplane apiserver <kube-apiserver flags>
  kubeplane fake-islands --spec FILE --ca-dir DIR --out FILE
  kubeplane serving-cert --state-dir DIR --out DIR [--cn NAME]
  kubeplane version
`)
}
