package supervisor

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockStateDir takes an exclusive flock on DIR/.lock so two `up` runs never share a state dir.
// The lock goes away with the process, also when it is killed.
func lockStateDir(dir string) (*os.File, error) {
	path := dir + "/.lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		data, _ := os.ReadFile(path)
		f.Close()
		return nil, fmt.Errorf("state dir %s is in use by another kubeplane up (pid %s)", dir, strings.TrimSpace(string(data)))
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}
