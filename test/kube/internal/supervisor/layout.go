package supervisor

import "path/filepath"

// layout names every path in a state dir.
type layout struct{ dir string }

func (l layout) stateFile() string      { return filepath.Join(l.dir, "state.json") }
func (l layout) portsFile() string      { return filepath.Join(l.dir, "ports.json") }
func (l layout) usersFile() string      { return filepath.Join(l.dir, "users.json") }
func (l layout) pkiDir() string         { return filepath.Join(l.dir, "pki") }
func (l layout) tokenFile() string      { return filepath.Join(l.dir, "pki", "tokens.csv") }
func (l layout) etcdDir() string        { return filepath.Join(l.dir, "etcd") }
func (l layout) logsDir() string        { return filepath.Join(l.dir, "logs") }
func (l layout) etcdLog() string        { return filepath.Join(l.dir, "logs", "etcd.log") }
func (l layout) kubeconfigsDir() string { return filepath.Join(l.dir, "kubeconfigs") }

func (l layout) userCert(user string) string {
	return filepath.Join(l.dir, "pki", "users", user+".crt")
}
func (l layout) userKey(user string) string {
	return filepath.Join(l.dir, "pki", "users", user+".key")
}
func (l layout) clusterCertDir(cluster string) string {
	return filepath.Join(l.dir, "clusters", cluster)
}
func (l layout) clusterLog(cluster string) string {
	return filepath.Join(l.dir, "logs", cluster+".log")
}
func (l layout) kubeconfig(cluster, user string) string {
	return filepath.Join(l.dir, "kubeconfigs", cluster, user+".yaml")
}
func (l layout) tokenKubeconfig(cluster, user string) string {
	return filepath.Join(l.dir, "kubeconfigs", cluster, user+"-token.yaml")
}
