package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"kamaji-backstage/test/kube/internal/fakeapi"
)

// fakeIslands serves many light list/watch API servers from memory (see package fakeapi).
func fakeIslands(args []string) int {
	fs := flag.NewFlagSet("fake-islands", flag.ContinueOnError)
	spec := fs.String("spec", "", "JSON file: resources served and the objects of each fake cluster")
	caDir := fs.String("ca-dir", "", "directory of the CA (ca.crt, ca.key) that signs the serving certificate; created when absent")
	out := fs.String("out", "", "JSON file written once listening: control URL and each cluster's server URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *spec == "" || *caDir == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "kubeplane fake-islands: --spec, --ca-dir and --out are required")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := fakeapi.Run(ctx, *spec, *caDir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "kubeplane fake-islands:", err)
		return 1
	}
	return 0
}
