module kamaji-backstage/bench/readers

go 1.22
