package supervisor

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ClusterSpec is one --cluster NAME=SET[,SET...].
type ClusterSpec struct {
	Name string
	Sets []string
}

// UserSpec is one --user NAME[:GROUP1+GROUP2...].
type UserSpec struct {
	Name   string
	Groups []string
}

// Config is the parsed `kubeplane up` command line.
type Config struct {
	StateDir      string // absolute
	Clusters      []ClusterSpec
	Users         []UserSpec // always starts with admin (system:masters)
	CRDDir        string     // absolute, "" = none
	ApiserverArgs []string
}

// AdminUser is always created, in group system:masters.
const (
	AdminUser  = "admin"
	AdminGroup = "system:masters"
)

var (
	dnsLabel  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	userName  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._@-]*[A-Za-z0-9])?$`)
	groupName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._@:-]*[A-Za-z0-9])?$`)
)

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// ParseUpArgs parses the flags of `kubeplane up`.
func ParseUpArgs(args []string, stderr io.Writer) (*Config, error) {
	fs := flag.NewFlagSet("kubeplane up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var clusters, users, extra multiFlag
	stateDir := fs.String("state-dir", "", "directory for all state: pki, etcd data, kubeconfigs, logs, state.json (required)")
	crdDir := fs.String("crds", "", "directory with one sub-directory of CRD *.yaml files per SET")
	fs.Var(&clusters, "cluster", "NAME=SET[,SET...]: one kube-apiserver (repeatable)")
	fs.Var(&users, "user", "NAME[:GROUP1+GROUP2...]: a test user (repeatable; admin/system:masters always exists)")
	fs.Var(&extra, "apiserver-arg", "extra kube-apiserver flag for every cluster, e.g. --apiserver-arg=--v=2 (repeatable)")
	fs.Bool("etcd-data-keep", true, "accepted for clarity: re-running up on the same --state-dir always keeps etcd data, CA, certs, ports and tokens")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: kubeplane up --state-dir DIR --cluster NAME=SET[,SET...] [--cluster ...] [--crds DIR] [--user NAME[:G1+G2]] ...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *stateDir == "" {
		return nil, errors.New("--state-dir is required")
	}
	cfg := &Config{ApiserverArgs: extra}
	var err error
	if cfg.StateDir, err = filepath.Abs(*stateDir); err != nil {
		return nil, err
	}
	if *crdDir != "" {
		if cfg.CRDDir, err = filepath.Abs(*crdDir); err != nil {
			return nil, err
		}
	}
	if len(clusters) == 0 {
		return nil, errors.New("at least one --cluster NAME=SET[,SET...] is required")
	}
	for _, c := range clusters {
		spec, err := ParseCluster(c)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(cfg.Clusters, func(o ClusterSpec) bool { return o.Name == spec.Name }) {
			return nil, fmt.Errorf("--cluster %s given twice", spec.Name)
		}
		cfg.Clusters = append(cfg.Clusters, spec)
	}
	cfg.Users = []UserSpec{{Name: AdminUser, Groups: []string{AdminGroup}}}
	for _, u := range users {
		spec, err := ParseUser(u)
		if err != nil {
			return nil, err
		}
		if spec.Name == AdminUser {
			if len(spec.Groups) == 0 || slices.Equal(spec.Groups, []string{AdminGroup}) {
				continue
			}
			return nil, fmt.Errorf("--user %s: user admin always exists in group %s only", u, AdminGroup)
		}
		if slices.ContainsFunc(cfg.Users, func(o UserSpec) bool { return o.Name == spec.Name }) {
			return nil, fmt.Errorf("--user %s given twice", spec.Name)
		}
		cfg.Users = append(cfg.Users, spec)
	}
	return cfg, nil
}

// ParseCluster parses NAME=SET[,SET...] (NAME alone = no CRD sets).
func ParseCluster(v string) (ClusterSpec, error) {
	name, sets, _ := strings.Cut(v, "=")
	if !dnsLabel.MatchString(name) || len(name) > 63 {
		return ClusterSpec{}, fmt.Errorf("--cluster %q: NAME must be a DNS label (lowercase letters, digits, '-')", v)
	}
	spec := ClusterSpec{Name: name, Sets: []string{}}
	if sets == "" {
		return spec, nil
	}
	for _, s := range strings.Split(sets, ",") {
		if !dnsLabel.MatchString(s) {
			return ClusterSpec{}, fmt.Errorf("--cluster %q: SET %q must be a DNS label", v, s)
		}
		if !slices.Contains(spec.Sets, s) {
			spec.Sets = append(spec.Sets, s)
		}
	}
	return spec, nil
}

// ParseUser parses NAME[:GROUP1+GROUP2...].
func ParseUser(v string) (UserSpec, error) {
	name, groups, _ := strings.Cut(v, ":")
	if err := ValidateUser(name, nil); err != nil {
		return UserSpec{}, fmt.Errorf("--user %q: %w", v, err)
	}
	spec := UserSpec{Name: name, Groups: []string{}}
	if groups != "" {
		spec.Groups = strings.Split(groups, "+")
	}
	if err := ValidateUser(name, spec.Groups); err != nil {
		return UserSpec{}, fmt.Errorf("--user %q: %w", v, err)
	}
	return spec, nil
}

// ValidateUser checks a user name and its groups (also used by POST /users).
func ValidateUser(name string, groups []string) error {
	if !userName.MatchString(name) || len(name) > 253 {
		return fmt.Errorf("user name %q must match %s", name, userName)
	}
	for _, g := range groups {
		if !groupName.MatchString(g) || len(g) > 253 {
			return fmt.Errorf("group %q must match %s", g, groupName)
		}
	}
	return nil
}
