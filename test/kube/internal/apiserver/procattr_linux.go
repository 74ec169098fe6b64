//go:build linux

package apiserver

import "syscall"

// procAttr puts the apiserver in its own process group (a Ctrl-C in the terminal reaches only
// the supervisor, which then stops the apiservers in order) and makes the kernel SIGKILL it when
// the supervisor dies, so no apiserver lingers.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
