package crds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const crdDoc = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: %s.test.io
spec:
  group: test.io
  scope: Namespaced
  names: {plural: %s, kind: K%s}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object}
`

func doc(plural string) string {
	return strings.ReplaceAll(crdDoc, "%s", plural)
}

func TestLoadDirMultiDocAndRecursive(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "b.yaml"), []byte("# leading comment\n---\n"+doc("bs")+"---\n"+doc("cs")+"---\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "a.yml"), []byte(doc("as")), 0o644)
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("not yaml: ["), 0o644)
	list, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Obj.Name)
	}
	if strings.Join(names, ",") != "bs.test.io,cs.test.io,as.test.io" {
		t.Fatalf("names %v", names)
	}
	if list[0].Obj.Spec.Names.Plural != "bs" || !list[0].Obj.Spec.Versions[0].Served {
		t.Fatalf("parsed %+v", list[0].Obj.Spec)
	}
}

func TestLoadFileRejectsOtherKinds(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x.yaml")
	os.WriteFile(f, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), 0o644)
	if _, err := LoadFile(f); err == nil || !strings.Contains(err.Error(), "ConfigMap") {
		t.Fatalf("want an error naming the kind, got %v", err)
	}
}

func TestLoadFileBadYAML(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x.yaml")
	os.WriteFile(f, []byte("apiVersion: [\n"), 0o644)
	if _, err := LoadFile(f); err == nil {
		t.Fatal("want an error")
	}
}
