# fs/build.mk - host unit tests for the fs layer's pure parts (the kernel
# objects of fs/ are built by kernel/build.mk's glob).
UNIT_TESTS += test_path
UNIT_TESTS += test_rng
