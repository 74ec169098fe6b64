module github.com/kamaji-backstage/bench/readers

go 1.26
