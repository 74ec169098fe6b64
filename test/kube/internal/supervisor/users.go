package supervisor

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"kamaji-backstage/test/kube/internal/kubeconfig"
	"kamaji-backstage/test/kube/internal/pki"
	"kamaji-backstage/test/kube/internal/state"
)

// userRec is a user known to this run: groups, optional static token, client pair.
type userRec struct {
	name   string
	groups []string
	token  string
	pair   pki.Pair
}

// loadUsers merges DIR/users.json with the --user flags (flags win on groups), gives every
// user a static token (kept across runs), issues or reuses client certificates, saves
// users.json and writes the token-auth-file.
func (s *Supervisor) loadUsers() error {
	saved := map[string]*state.SavedUser{}
	if err := state.LoadJSON(s.l.usersFile(), &saved); err != nil {
		return err
	}
	for _, u := range s.cfg.Users {
		su := saved[u.Name]
		if su == nil {
			su = &state.SavedUser{}
			saved[u.Name] = su
		}
		su.Groups = slices.Clone(u.Groups)
	}
	names := make([]string, 0, len(saved))
	for name, su := range saved {
		if su == nil {
			continue
		}
		if err := ValidateUser(name, su.Groups); err != nil {
			return fmt.Errorf("%s: %w", s.l.usersFile(), err)
		}
		if su.Groups == nil {
			su.Groups = []string{}
		}
		if su.Token == "" {
			su.Token = randomToken()
		}
		names = append(names, name)
	}
	sort.Strings(names)
	s.users = map[string]*userRec{}
	var csv strings.Builder
	for _, name := range names {
		su := saved[name]
		pair, err := s.ca.EnsureClient(s.l.userCert(name), s.l.userKey(name), name, su.Groups)
		if err != nil {
			return fmt.Errorf("client certificate for %s: %w", name, err)
		}
		s.users[name] = &userRec{name: name, groups: su.Groups, token: su.Token, pair: pair}
		// token,user,uid,"group1,group2"
		fmt.Fprintf(&csv, "%s,%s,%s", su.Token, name, name)
		if len(su.Groups) > 0 {
			fmt.Fprintf(&csv, ",\"%s\"", strings.Join(su.Groups, ","))
		}
		csv.WriteString("\n")
	}
	if err := state.SaveJSON(s.l.usersFile(), saved, 0o600); err != nil {
		return err
	}
	return state.WriteFileAtomic(s.l.tokenFile(), []byte(csv.String()), 0o600)
}

func (s *Supervisor) saveUsers() error {
	saved := map[string]*state.SavedUser{}
	for name, u := range s.users {
		saved[name] = &state.SavedUser{Groups: u.groups, Token: u.token}
	}
	return state.SaveJSON(s.l.usersFile(), saved, 0o600)
}

// writeUserKubeconfigs writes the kubeconfigs of one user for every cluster and
// returns its state entry.
func (s *Supervisor) writeUserKubeconfigs(u *userRec) (*state.User, error) {
	entry := &state.User{
		Groups:           slices.Clone(u.groups),
		Token:            u.token,
		Kubeconfigs:      map[string]string{},
		TokenKubeconfigs: map[string]string{},
	}
	for _, c := range s.clusters {
		path := s.l.kubeconfig(c.spec.Name, u.name)
		cred := kubeconfig.Credentials{User: u.name, CertPEM: u.pair.CertPEM, KeyPEM: u.pair.KeyPEM}
		if err := kubeconfig.Write(path, c.spec.Name, c.server(), s.ca.CertPEM, cred); err != nil {
			return nil, err
		}
		entry.Kubeconfigs[c.spec.Name] = path
		if u.token != "" {
			path := s.l.tokenKubeconfig(c.spec.Name, u.name)
			cred := kubeconfig.Credentials{User: u.name, Token: u.token}
			if err := kubeconfig.Write(path, c.spec.Name, c.server(), s.ca.CertPEM, cred); err != nil {
				return nil, err
			}
			entry.TokenKubeconfigs[c.spec.Name] = path
		}
	}
	return entry, nil
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
