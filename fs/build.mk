# fs/build.mk - host unit tests for the fs layer's pure parts (the kernel
# objects of fs/ are built by kernel/build.mk's glob).
UNIT_TESTS += test_path
UNIT_TESTS += test_rng
# the split virtqueue against a simulated device (kernel services stubbed)
UNIT_TESTS += test_virtq
$(BUILD)/tests/test_virtq: $(BUILD)/host/drivers/virtio/virtq.o
