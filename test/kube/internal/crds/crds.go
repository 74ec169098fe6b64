// Package crds loads CustomResourceDefinitions from YAML files and installs them
// (create or update), then waits until they are Established and served by discovery.
package crds

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextclient "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/yaml"
)

// CRD is a parsed definition and the file it came from.
type CRD struct {
	File string
	Obj  *apiextv1.CustomResourceDefinition
}

// LoadDir reads every *.yaml / *.yml file under dir (recursively, sorted); every non-empty
// YAML document must be an apiextensions.k8s.io/v1 CustomResourceDefinition.
func LoadDir(dir string) ([]CRD, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []CRD
	for _, f := range files {
		crds, err := LoadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, crds...)
	}
	return out, nil
}

// LoadFile parses the (possibly multi-document) YAML file.
func LoadFile(file string) ([]CRD, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	r := k8syaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []CRD
	for i := 1; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		if t := bytes.TrimSpace(js); len(t) == 0 || bytes.Equal(t, []byte("null")) {
			continue // empty document (comments only, or a trailing ---)
		}
		var tm metav1.TypeMeta
		if err := json.Unmarshal(js, &tm); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		if tm.APIVersion != "apiextensions.k8s.io/v1" || tm.Kind != "CustomResourceDefinition" {
			return nil, fmt.Errorf("%s: document %d is %s %s, want apiextensions.k8s.io/v1 CustomResourceDefinition",
				file, i, tm.APIVersion, tm.Kind)
		}
		crd := &apiextv1.CustomResourceDefinition{}
		if err := json.Unmarshal(js, crd); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		if crd.Name == "" {
			return nil, fmt.Errorf("%s: document %d: CRD without metadata.name", file, i)
		}
		crd.Status = apiextv1.CustomResourceDefinitionStatus{}
		out = append(out, CRD{File: file, Obj: crd})
	}
}

// Apply creates each CRD, or updates it when it already exists.
func Apply(ctx context.Context, c apiextclient.Interface, crds []CRD) error {
	api := c.ApiextensionsV1().CustomResourceDefinitions()
	for _, d := range crds {
		_, err := api.Create(ctx, d.Obj.DeepCopy(), metav1.CreateOptions{FieldManager: "kubeplane"})
		if apierrors.IsAlreadyExists(err) {
			err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
				cur, err := api.Get(ctx, d.Obj.Name, metav1.GetOptions{})
				if err != nil {
					return err
				}
				upd := d.Obj.DeepCopy()
				upd.ResourceVersion = cur.ResourceVersion
				_, err = api.Update(ctx, upd, metav1.UpdateOptions{FieldManager: "kubeplane"})
				return err
			})
		}
		if err != nil {
			return fmt.Errorf("applying CRD %s (%s): %w", d.Obj.Name, d.File, err)
		}
	}
	return nil
}

// WaitServed waits until every CRD has condition Established=True and each served version
// lists its plural in discovery.
func WaitServed(ctx context.Context, c apiextclient.Interface, disco discovery.DiscoveryInterface, crds []CRD, timeout time.Duration) error {
	api := c.ApiextensionsV1().CustomResourceDefinitions()
	for _, d := range crds {
		var last string
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
			cur, err := api.Get(ctx, d.Obj.Name, metav1.GetOptions{})
			if err != nil {
				last = err.Error()
				return false, nil
			}
			for _, cond := range cur.Status.Conditions {
				if cond.Type == apiextv1.NamesAccepted && cond.Status == apiextv1.ConditionFalse {
					return false, fmt.Errorf("names not accepted: %s", cond.Message)
				}
				if cond.Type == apiextv1.Established && cond.Status == apiextv1.ConditionTrue {
					return true, nil
				}
			}
			last = "not Established yet"
			return false, nil
		})
		if err != nil {
			return fmt.Errorf("CRD %s (%s): %w (last: %s)", d.Obj.Name, d.File, err, last)
		}
		for _, v := range d.Obj.Spec.Versions {
			if !v.Served {
				continue
			}
			gv := d.Obj.Spec.Group + "/" + v.Name
			err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
				list, err := disco.ServerResourcesForGroupVersion(gv)
				if err != nil {
					last = err.Error()
					return false, nil
				}
				for _, r := range list.APIResources {
					if r.Name == d.Obj.Spec.Names.Plural {
						return true, nil
					}
				}
				last = "plural not listed yet"
				return false, nil
			})
			if err != nil {
				return fmt.Errorf("CRD %s: %s not in discovery for %s: %w (last: %s)", d.Obj.Name, d.Obj.Spec.Names.Plural, gv, err, last)
			}
			// Discovery can list a resource whose storage is still initialising (LIST answers 429
			// "storage is (re)initializing"): ready means a LIST succeeds.
			path := "/apis/" + gv + "/" + d.Obj.Spec.Names.Plural
			err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
				if err := disco.RESTClient().Get().AbsPath(path).Param("limit", "1").Do(ctx).Error(); err != nil {
					last = err.Error()
					return false, nil
				}
				return true, nil
			})
			if err != nil {
				return fmt.Errorf("CRD %s: LIST %s did not succeed: %w (last: %s)", d.Obj.Name, path, err, last)
			}
		}
	}
	return nil
}
