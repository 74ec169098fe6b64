//go:build !linux

package apiserver

import "syscall"

// procAttr: no parent-death signal outside Linux; children may outlive a crashed supervisor.
func procAttr() *syscall.SysProcAttr { return nil }
