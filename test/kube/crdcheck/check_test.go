package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// crdYAML builds a minimal CRD document around a spec schema (YAML, indented as a block).
func crdYAML(scope, version, subresources, specSchema string) string {
	return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.io
spec:
  group: example.io
  scope: ` + scope + `
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: ` + version + `
    served: true
    storage: true
    subresources: ` + subresources + `
    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: {type: string}
          kind: {type: string}
          metadata: {type: object}
          spec:
` + indent(specSchema, 12)
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n") + "\n"
}

const upstreamSpec = `type: object
required: [mode]
properties:
  mode: {type: string, enum: [Fast, Slow]}
  size: {type: integer, format: int32, minimum: 1}
  labels: {type: object, additionalProperties: {type: string}}
  extra:
    type: object
    x-kubernetes-preserve-unknown-fields: true
`

func parseOne(t *testing.T, file, doc string) *CRD {
	t.Helper()
	crds, err := ParseCRDs(file, []byte(doc))
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	if len(crds) != 1 {
		t.Fatalf("parse %s: want 1 CRD, got %d", file, len(crds))
	}
	return crds[0]
}

func check(t *testing.T, projectSpec string) *Report {
	t.Helper()
	return checkCRDs(t,
		crdYAML("Namespaced", "v1", "{status: {}}", projectSpec),
		crdYAML("Namespaced", "v1", "{status: {}}", upstreamSpec))
}

func checkCRDs(t *testing.T, projectDoc, upstreamDoc string) *Report {
	t.Helper()
	p := parseOne(t, "project.yaml", projectDoc)
	u := parseOne(t, "upstream.yaml", upstreamDoc)
	r := &Report{}
	Run([]*CRD{p}, []*CRD{u}, r)
	return r
}

func wantProblems(t *testing.T, r *Report, n int, contains ...string) {
	t.Helper()
	if len(r.Problems) != n {
		var b strings.Builder
		for _, p := range r.Problems {
			b.WriteString("\n  " + p.String())
		}
		t.Fatalf("want %d problem(s), got %d:%s", n, len(r.Problems), b.String())
	}
	for i, s := range contains {
		if got := r.Problems[i].String(); !strings.Contains(got, s) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got, s)
		}
	}
}

func TestMatchingSchemaPasses(t *testing.T) {
	r := check(t, upstreamSpec)
	wantProblems(t, r, 0)
	if r.CRDs != 1 || r.Fields == 0 {
		t.Fatalf("counters: %+v", r)
	}
}

func TestProjectMayLeaveTypedUpstreamObjectOpen(t *testing.T) {
	// Preserve-unknown where upstream is typed is fine, and so is declaring a subset of fields there.
	r := check(t, `type: object
required: [mode]
x-kubernetes-preserve-unknown-fields: true
properties:
  mode: {type: string, enum: [Fast]}
`)
	wantProblems(t, r, 0)
}

func TestWrongType(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "size: {type: integer, format: int32, minimum: 1}", "size: {type: string}", 1))
	wantProblems(t, r, 1, "project.yaml: .spec.size: type differs (project string, upstream integer)")
}

func TestExtraField(t *testing.T) {
	r := check(t, upstreamSpec+"  colour: {type: string}\n")
	wantProblems(t, r, 1, "project.yaml: .spec.colour: field not in upstream schema (project string, upstream absent)")
}

func TestEnumValueNotUpstream(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "enum: [Fast, Slow]", "enum: [Fast, Slow, Warp]", 1))
	wantProblems(t, r, 1, `project.yaml: .spec.mode: enum value Warp not upstream (project ["Fast","Slow","Warp"], upstream ["Fast","Slow"])`)
}

func TestRequiredMismatch(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "required: [mode]", "required: [mode, size]", 1))
	wantProblems(t, r, 1, "project.yaml: .spec.size: required in project, optional upstream (project required, upstream optional)")
}

func TestRequiredUpstreamButOptionalInProject(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "required: [mode]\n", "", 1))
	wantProblems(t, r, 1, ".spec.mode: optional in project, required upstream")
}

func TestClosedObjectMissingUpstreamField(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "  size: {type: integer, format: int32, minimum: 1}\n", "", 1))
	wantProblems(t, r, 1, ".spec.size: upstream field missing from closed project object")
}

func TestConstraintAndDefaultDiffer(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "minimum: 1}", "minimum: 0, default: 3}", 1))
	wantProblems(t, r, 2, ".spec.size: minimum differs (project 0, upstream 1)", ".spec.size: default not upstream (project 3, upstream absent)")
}

func TestTypedBelowUpstreamPreserveUnknownIsInfo(t *testing.T) {
	r := check(t, strings.Replace(upstreamSpec, "    x-kubernetes-preserve-unknown-fields: true\n",
		"    x-kubernetes-preserve-unknown-fields: true\n    properties:\n      knob: {type: boolean}\n", 1))
	wantProblems(t, r, 0)
	if len(r.Infos) != 1 || !strings.Contains(r.Infos[0], ".spec.extra.knob: typed in project below an upstream preserve-unknown-fields node") {
		t.Fatalf("infos: %v", r.Infos)
	}
}

func TestScopeSubresourcesAndVersion(t *testing.T) {
	up := crdYAML("Namespaced", "v1", "{status: {}}", upstreamSpec)
	wantProblems(t, checkCRDs(t, crdYAML("Cluster", "v1", "{status: {}}", upstreamSpec), up), 1, "crd.spec.scope: scope differs (project Cluster, upstream Namespaced)")
	wantProblems(t, checkCRDs(t, crdYAML("Namespaced", "v1", "{}", upstreamSpec), up), 1, "crd.spec.versions[v1].subresources.status: status subresource differs (project absent, upstream present)")
	wantProblems(t, checkCRDs(t, crdYAML("Namespaced", "v2", "{status: {}}", upstreamSpec), up), 1, "crd.spec.versions[v2]: version not served upstream")
}

func TestNoUpstreamCRDIsSkipped(t *testing.T) {
	p := parseOne(t, "project.yaml", crdYAML("Namespaced", "v1", "{status: {}}", upstreamSpec))
	r := &Report{}
	Run([]*CRD{p}, nil, r)
	wantProblems(t, r, 0)
	if len(r.Infos) != 1 || !strings.Contains(r.Infos[0], "no upstream schema to compare") {
		t.Fatalf("infos: %v", r.Infos)
	}
}

func TestRunMissingUpstreamDir(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"--project", t.TempDir(), "--upstream", filepath.Join(t.TempDir(), "nope")}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "crdcheck: upstream dir not found, skipped") {
		t.Fatalf("code %d, out %q, err %q", code, out.String(), errb.String())
	}
}

func TestRunSummaryAndExitCode(t *testing.T) {
	proj, up := t.TempDir(), t.TempDir()
	write := func(dir, doc string) {
		if err := os.MkdirAll(filepath.Join(dir, "set"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "set", "example.io_widgets.yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(up, crdYAML("Namespaced", "v1", "{status: {}}", upstreamSpec))
	write(proj, crdYAML("Namespaced", "v1", "{status: {}}", upstreamSpec))
	var out, errb bytes.Buffer
	if code := run([]string{"--project", proj, "--upstream", up}, &out, &errb); code != 0 {
		t.Fatalf("code %d, out %s, err %s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "crdcheck: 1 CRDs, ") || !strings.Contains(out.String(), " 0 problems") {
		t.Fatalf("summary: %s", out.String())
	}
	write(proj, crdYAML("Namespaced", "v1", "{status: {}}", strings.Replace(upstreamSpec, "type: integer", "type: number", 1)))
	out.Reset()
	if code := run([]string{"--project", proj, "--upstream", up}, &out, &errb); code != 1 {
		t.Fatalf("code %d, out %s", code, out.String())
	}
	if !strings.Contains(out.String(), ".spec.size: type differs (project number, upstream integer)") || !strings.Contains(out.String(), " 1 problems") {
		t.Fatalf("output: %s", out.String())
	}
}

// The test YAML must itself be valid YAML for sigs.k8s.io/yaml (guards the helpers above).
func TestHelperYAMLParses(t *testing.T) {
	var v map[string]any
	if err := yaml.Unmarshal([]byte(crdYAML("Namespaced", "v1", "{}", upstreamSpec)), &v); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedCELEntry(t *testing.T) {
	// YAML flow mapping without quotes: the comma splits the rule into "self.all(c" + key "isCIDR(c))".
	r := check(t, strings.Replace(upstreamSpec, "  labels:", "  size2: {type: integer}\n  labels:", 0)+
		"x-kubernetes-validations:\n- {rule: self.all(c, isCIDR(c)), message: m}\n")
	wantProblems(t, r, 1, `.spec: x-kubernetes-validations[0] has unknown key "isCIDR(c))"`)
}
