package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Node is one OpenAPI v3 schema node as decoded from YAML (JSON-compatible values).
type Node = map[string]any

// CRD is the part of a CustomResourceDefinition the checker compares.
type CRD struct {
	File       string // path as given/found, used in messages
	Name       string
	Group      string
	Kind       string
	Plural     string
	Singular   string
	ListKind   string
	ShortNames []string
	Scope      string
	Versions   []Version
}

// Version is one entry of spec.versions.
type Version struct {
	Name         string
	Served       bool
	Storage      bool
	Schema       Node // openAPIV3Schema
	Subresources Node // nil when absent
}

// Key identifies a CRD by API group and plural resource name.
func (c *CRD) Key() string { return c.Group + "/" + c.Plural }

// Version returns the named version or nil.
func (c *CRD) Version(name string) *Version {
	for i := range c.Versions {
		if c.Versions[i].Name == name {
			return &c.Versions[i]
		}
	}
	return nil
}

// LoadDir reads every *.yaml / *.yml file below dir (recursively) and returns the
// CustomResourceDefinitions found in them, sorted by file name. Other documents are ignored.
func LoadDir(dir string) ([]*CRD, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if ext := filepath.Ext(p); ext == ".yaml" || ext == ".yml" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []*CRD
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		crds, err := ParseCRDs(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, crds...)
	}
	return out, nil
}

// ParseCRDs decodes all CustomResourceDefinition documents of a (multi-document) YAML file.
func ParseCRDs(file string, data []byte) ([]*CRD, error) {
	var out []*CRD
	for i, doc := range splitDocs(data) {
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i+1, err)
		}
		if obj == nil || str(obj["kind"]) != "CustomResourceDefinition" {
			continue
		}
		c, err := toCRD(file, obj)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i+1, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func splitDocs(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimRight(line, " \t") == "---" {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	docs = append(docs, cur.Bytes())
	return docs
}

func toCRD(file string, obj map[string]any) (*CRD, error) {
	meta, _ := obj["metadata"].(map[string]any)
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		return nil, fmt.Errorf("CustomResourceDefinition without spec")
	}
	names, _ := spec["names"].(map[string]any)
	c := &CRD{
		File:     file,
		Name:     str(meta["name"]),
		Group:    str(spec["group"]),
		Scope:    str(spec["scope"]),
		Kind:     str(names["kind"]),
		Plural:   str(names["plural"]),
		Singular: str(names["singular"]),
		ListKind: str(names["listKind"]),
	}
	if sn, ok := names["shortNames"].([]any); ok {
		for _, s := range sn {
			c.ShortNames = append(c.ShortNames, str(s))
		}
	}
	vs, _ := spec["versions"].([]any)
	for _, v := range vs {
		vm, _ := v.(map[string]any)
		if vm == nil {
			continue
		}
		ver := Version{Name: str(vm["name"])}
		ver.Served, _ = vm["served"].(bool)
		ver.Storage, _ = vm["storage"].(bool)
		if sr, ok := vm["subresources"].(map[string]any); ok {
			ver.Subresources = sr
		}
		if sch, ok := vm["schema"].(map[string]any); ok {
			ver.Schema, _ = sch["openAPIV3Schema"].(map[string]any)
		}
		c.Versions = append(c.Versions, ver)
	}
	return c, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
