package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Problem is one difference that makes the check fail.
type Problem struct {
	File     string
	Path     string
	What     string
	Project  string
	Upstream string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s (project %s, upstream %s)", p.File, p.Path, p.What, p.Project, p.Upstream)
}

// Report collects the outcome of a run.
type Report struct {
	CRDs     int
	Fields   int
	Problems []Problem
	Infos    []string // "<file>: <path>: <message>", printed but never fatal
	Verbose  bool     // also collect CEL side-by-side infos
}

func (r *Report) problem(file, path, what string, project, upstream any) {
	r.Problems = append(r.Problems, Problem{File: file, Path: path, What: what, Project: show(project), Upstream: show(upstream)})
}

func (r *Report) info(file, path, msg string) {
	r.Infos = append(r.Infos, fmt.Sprintf("%s: %s: %s", file, path, msg))
}

// absent marks a value that is not set at all (shown as "absent").
type absentT struct{}

var absent = absentT{}

func show(v any) string {
	switch x := v.(type) {
	case absentT:
		return "absent"
	case string:
		if x == "" {
			return `""`
		}
		return x
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			return fmt.Sprint(x)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
}

// Run compares every project CRD with the upstream CRD of the same group and plural.
func Run(project, upstream []*CRD, r *Report) {
	byKey := map[string]*CRD{}
	byKind := map[string]*CRD{}
	for _, u := range upstream {
		byKey[u.Key()] = u
		byKind[u.Group+"/"+u.Kind] = u
	}
	seen := map[string]string{}
	for _, p := range project {
		r.CRDs++
		if prev, dup := seen[p.Key()]; dup {
			r.problem(p.File, "crd", "duplicate project CRD for "+p.Key(), p.File, "also in "+prev)
			continue
		}
		seen[p.Key()] = p.File
		u := byKey[p.Key()]
		if u == nil {
			if k := byKind[p.Group+"/"+p.Kind]; k != nil {
				r.problem(p.File, "crd.spec.names.plural", "plural differs", p.Plural, k.Plural)
				continue
			}
			r.info(p.File, "crd", fmt.Sprintf("no upstream schema to compare for %s (%s), skipped", p.Kind, p.Key()))
			continue
		}
		CompareCRD(p, u, r)
	}
}

// CompareCRD compares names, scope, served versions, subresources and schemas.
func CompareCRD(p, u *CRD, r *Report) {
	f := p.File
	if p.Kind != u.Kind {
		r.problem(f, "crd.spec.names.kind", "kind differs", p.Kind, u.Kind)
	}
	if p.Singular != u.Singular {
		r.problem(f, "crd.spec.names.singular", "singular differs", p.Singular, u.Singular)
	}
	if p.ListKind != u.ListKind {
		r.problem(f, "crd.spec.names.listKind", "listKind differs", p.ListKind, u.ListKind)
	}
	for _, s := range p.ShortNames {
		if !containsStr(u.ShortNames, s) {
			r.problem(f, "crd.spec.names.shortNames", "short name not upstream", s, u.ShortNames)
		}
	}
	if p.Scope != u.Scope {
		r.problem(f, "crd.spec.scope", "scope differs", p.Scope, u.Scope)
	}
	for _, pv := range p.Versions {
		vpath := "crd.spec.versions[" + pv.Name + "]"
		uv := u.Version(pv.Name)
		if uv == nil {
			r.problem(f, vpath, "version not served upstream", "served", absent)
			continue
		}
		if !uv.Served {
			r.problem(f, vpath, "version not served upstream", "served", "served: false")
			continue
		}
		compareSubresources(f, vpath+".subresources", pv.Subresources, uv.Subresources, r)
		if pv.Schema == nil {
			r.problem(f, vpath+".schema", "no openAPIV3Schema", absent, "schema")
			continue
		}
		prefix := ""
		if len(p.Versions) > 1 {
			prefix = pv.Name + ":"
		}
		w := &walker{file: f, r: r, prefix: prefix}
		w.node(pv.Schema, uv.Schema, "")
	}
}

func compareSubresources(file, path string, p, u Node, r *Report) {
	_, ps := p["status"]
	_, us := u["status"]
	if ps != us {
		r.problem(file, path+".status", "status subresource differs", present(ps), present(us))
	}
	psc, _ := p["scale"].(map[string]any)
	usc, _ := u["scale"].(map[string]any)
	if (psc == nil) != (usc == nil) {
		r.problem(file, path+".scale", "scale subresource differs", present(psc != nil), present(usc != nil))
		return
	}
	for _, k := range []string{"specReplicasPath", "statusReplicasPath", "labelSelectorPath"} {
		if psc != nil && str(psc[k]) != str(usc[k]) {
			r.problem(file, path+".scale."+k, "scale path differs", str(psc[k]), str(usc[k]))
		}
	}
}

func present(b bool) string {
	if b {
		return "present"
	}
	return "absent"
}

// constraintKeys are value validations and list/map semantics compared one to one.
var constraintKeys = []string{
	"format", "pattern", "nullable",
	"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems",
	"x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
}

type walker struct {
	file   string
	prefix string
	r      *Report
}

func (w *walker) path(p string) string {
	if p == "" {
		p = "."
	}
	return w.prefix + p
}

func (w *walker) problem(path, what string, project, upstream any) {
	w.r.problem(w.file, w.path(path), what, project, upstream)
}

// node compares one project schema node with the upstream node at the same path.
func (w *walker) node(p, u Node, path string) {
	w.r.Fields++
	pt, ut := typeOf(p), typeOf(u)
	if pt != ut {
		w.problem(path, "type differs", orNone(pt), orNone(ut))
		return
	}

	// enum: every project value must be allowed upstream.
	if pe, ok := p["enum"].([]any); ok {
		ue, uok := u["enum"].([]any)
		for _, v := range pe {
			if !uok {
				w.problem(path, fmt.Sprintf("enum value %s not upstream", show(v)), pe, "no enum")
				continue
			}
			if !containsJSON(ue, v) {
				w.problem(path, fmt.Sprintf("enum value %s not upstream", show(v)), pe, ue)
			}
		}
	} else if ue, ok := u["enum"]; ok {
		w.problem(path, "enum missing", absent, ue)
	}

	for _, k := range constraintKeys {
		pv, pok := p[k]
		uv, uok := u[k]
		if !pok && !uok {
			continue
		}
		if !pok {
			pv = absent
		}
		if !uok {
			uv = absent
		}
		if !pok || !uok || !reflect.DeepEqual(pv, uv) {
			w.problem(path, k+" differs", pv, uv)
		}
	}
	if pd, pok := p["default"]; pok || hasKey(u, "default") {
		ud, uok := u["default"]
		switch {
		case !pok:
			w.problem(path, "default missing", absent, ud)
		case !uok:
			w.problem(path, "default not upstream", pd, absent)
		case !reflect.DeepEqual(pd, ud):
			w.problem(path, "default differs", pd, ud)
		}
	}

	w.lintRules(p, path)
	if w.r.Verbose {
		pr, ur := rules(p), rules(u)
		if len(pr) > 0 || len(ur) > 0 {
			w.r.info(w.file, w.path(path), fmt.Sprintf("CEL project %s | upstream %s", show(pr), show(ur)))
		}
	}

	pProps, _ := p["properties"].(map[string]any)
	uProps, _ := u["properties"].(map[string]any)
	uAdd, _ := u["additionalProperties"].(map[string]any)

	// required, both directions (for fields the project declares).
	pReq, uReq := strSet(p["required"]), strSet(u["required"])
	for _, f := range sortedKeys(pReq) {
		if !uReq[f] {
			w.problem(join(path, f), "required in project, optional upstream", "required", "optional")
		}
	}
	for _, f := range sortedKeys(uReq) {
		if _, declared := pProps[f]; declared && !pReq[f] {
			w.problem(join(path, f), "optional in project, required upstream", "optional", "required")
		}
	}

	for _, name := range sortedKeys(pProps) {
		child := join(path, name)
		pc, _ := pProps[name].(map[string]any)
		if uc, ok := uProps[name].(map[string]any); ok {
			w.node(pc, uc, child)
			continue
		}
		if uAdd != nil {
			w.node(pc, uAdd, child)
			continue
		}
		if preserves(u) {
			w.r.Fields++
			w.r.info(w.file, w.path(child), "typed in project below an upstream preserve-unknown-fields node (not compared)")
			continue
		}
		w.problem(child, "field not in upstream schema", orNone(typeOf(pc)), absent)
	}

	// A closed project object prunes every upstream field it does not declare.
	pAdd, _ := p["additionalProperties"].(map[string]any)
	if pt == "object" && !preserves(p) && pAdd == nil {
		for _, name := range sortedKeys(uProps) {
			if _, ok := pProps[name]; !ok {
				uc, _ := uProps[name].(map[string]any)
				w.problem(join(path, name), "upstream field missing from closed project object (real objects would be pruned)", absent, orNone(typeOf(uc)))
			}
		}
		if preserves(u) {
			w.r.info(w.file, w.path(path), "upstream keeps unknown fields here, the project schema prunes them")
		}
	}

	if pi, ok := p["items"].(map[string]any); ok {
		if ui, ok := u["items"].(map[string]any); ok {
			w.node(pi, ui, path+"[*]")
		} else if preserves(u) {
			w.r.Fields++
			w.r.info(w.file, w.path(path+"[*]"), "typed in project below an upstream preserve-unknown-fields node (not compared)")
		} else {
			w.problem(path+"[*]", "items not in upstream schema", orNone(typeOf(pi)), absent)
		}
	}

	if pAdd != nil {
		child := path + ".*"
		switch {
		case uAdd != nil:
			w.node(pAdd, uAdd, child)
		case preserves(u):
			w.r.Fields++
			w.r.info(w.file, w.path(child), "typed in project below an upstream preserve-unknown-fields node (not compared)")
		default:
			w.problem(child, "additionalProperties not in upstream schema", orNone(typeOf(pAdd)), absent)
		}
	}
}

// validationKeys are the fields of an x-kubernetes-validations entry.
var validationKeys = map[string]bool{"rule": true, "message": true, "messageExpression": true, "reason": true, "fieldPath": true, "optionalOldSelf": true}

// lintRules catches malformed project CEL entries, e.g. an unquoted YAML flow mapping
// `{rule: self.all(c, isCIDR(c)), ...}` that splits the rule at the comma.
func (w *walker) lintRules(p Node, path string) {
	vs, ok := p["x-kubernetes-validations"]
	if !ok {
		return
	}
	list, ok := vs.([]any)
	if !ok {
		w.problem(path, "x-kubernetes-validations is not a list", vs, absent)
		return
	}
	for i, v := range list {
		m, _ := v.(map[string]any)
		rule, _ := m["rule"].(string)
		if m == nil || strings.TrimSpace(rule) == "" {
			w.problem(path, fmt.Sprintf("x-kubernetes-validations[%d] has no rule string", i), v, absent)
			continue
		}
		for _, k := range sortedKeys(m) {
			if !validationKeys[k] {
				w.problem(path, fmt.Sprintf("x-kubernetes-validations[%d] has unknown key %q (unquoted YAML flow mapping?)", i, k), v, absent)
			}
		}
	}
}

// typeOf returns the effective type of a node; int-or-string nodes have no "type".
func typeOf(n Node) string {
	if b, _ := n["x-kubernetes-int-or-string"].(bool); b {
		return "int-or-string"
	}
	return str(n["type"])
}

func preserves(n Node) bool {
	b, _ := n["x-kubernetes-preserve-unknown-fields"].(bool)
	return b
}

func rules(n Node) []string {
	var out []string
	vs, _ := n["x-kubernetes-validations"].([]any)
	for _, v := range vs {
		if m, ok := v.(map[string]any); ok {
			out = append(out, str(m["rule"]))
		}
	}
	return out
}

func orNone(t string) string {
	if t == "" {
		return "untyped"
	}
	return t
}

func join(path, name string) string { return path + "." + name }

func hasKey(n Node, k string) bool { _, ok := n[k]; return ok }

func strSet(v any) map[string]bool {
	out := map[string]bool{}
	if l, ok := v.([]any); ok {
		for _, x := range l {
			out[str(x)] = true
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func containsJSON(list []any, v any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formatInfos sorts info lines for stable output.
func formatInfos(infos []string) string {
	s := append([]string(nil), infos...)
	sort.Strings(s)
	var b strings.Builder
	for _, l := range s {
		b.WriteString("info: ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
