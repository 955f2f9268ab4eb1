module monos.test/gocheck

go 1.19
