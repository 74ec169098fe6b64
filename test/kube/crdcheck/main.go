// Command crdcheck compares the project's hand-written CRDs (test/kube/crds) with the upstream CRD
// schemas (shared/upstream-crds) and reports drift: fields the project declares that upstream does
// not have, type/enum/required/constraint/default differences, closed project objects that would
// prune upstream fields, scope/subresource/version differences.
//
//	go run . --project ../crds --upstream ../../../../shared/upstream-crds   (from test/kube/crdcheck)
//	bash test/kube/crdcheck/run.sh --project test/kube/crds --upstream ../shared/upstream-crds
//
// Relative paths that do not exist from the working directory are also tried relative to the
// repository root, so repo-root-relative paths work from inside the module directory too.
// Exit status: 0 no problems (or upstream dir missing), 1 problems found, 2 usage/IO error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("crdcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	project := fs.String("project", "test/kube/crds", "directory with the project CRDs (searched recursively)")
	upstream := fs.String("upstream", "../shared/upstream-crds", "directory with the upstream CRDs (searched recursively)")
	verbose := fs.Bool("v", false, "also print CEL rules of project and upstream side by side")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "crdcheck: unexpected arguments %v\n", fs.Args())
		return 2
	}

	up, ok := resolve(*upstream)
	if !ok {
		fmt.Fprintln(stdout, "crdcheck: upstream dir not found, skipped")
		return 0
	}
	proj, ok := resolve(*project)
	if !ok {
		fmt.Fprintf(stderr, "crdcheck: project dir %s not found\n", *project)
		return 2
	}

	projectCRDs, err := LoadDir(proj)
	if err != nil {
		fmt.Fprintf(stderr, "crdcheck: %v\n", err)
		return 2
	}
	if len(projectCRDs) == 0 {
		fmt.Fprintf(stderr, "crdcheck: no CustomResourceDefinition found below %s\n", proj)
		return 2
	}
	upstreamCRDs, err := LoadDir(up)
	if err != nil {
		fmt.Fprintf(stderr, "crdcheck: %v\n", err)
		return 2
	}

	r := &Report{Verbose: *verbose}
	Run(projectCRDs, upstreamCRDs, r)

	fmt.Fprint(stdout, formatInfos(r.Infos))
	for _, p := range r.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	fmt.Fprintf(stdout, "crdcheck: %d CRDs, %d fields compared, %d problems\n", r.CRDs, r.Fields, len(r.Problems))
	if len(r.Problems) > 0 {
		return 1
	}
	return 0
}

// resolve returns dir if it is an existing directory, else (for relative paths) the same path
// relative to the repository root (the nearest parent of the working directory holding .git).
func resolve(dir string) (string, bool) {
	if isDir(dir) {
		return dir, true
	}
	if filepath.IsAbs(dir) {
		return dir, false
	}
	wd, err := os.Getwd()
	if err != nil {
		return dir, false
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			cand := filepath.Join(d, dir)
			if isDir(cand) {
				if rel, err := filepath.Rel(wd, cand); err == nil {
					return rel, true
				}
				return cand, true
			}
			return dir, false
		}
		if filepath.Dir(d) == d {
			return dir, false
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
