# Builds several CMake build trees under one make jobserver (scripts/test.sh):
#   make -f scripts/builds.mk -j2 -Otarget BUILDS="build@all build-asan@all" OPTIONAL=...
# so the links and the last long compiles of one tree overlap with the
# compiles of the next and no core waits. Entries also in OPTIONAL may fail
# here (the caller builds them again and reports). Trees made by another
# generator than Unix Makefiles are built by cmake --build instead.
BUILDS ?= build@all
OPTIONAL ?=
JOBS ?= 2

.PHONY: all $(BUILDS)
all: $(BUILDS)

$(BUILDS):
	+@dir=$(firstword $(subst @, ,$@)); target=$(lastword $(subst @, ,$@)); \
	if [ -f "$$dir/Makefile" ]; then $(MAKE) --no-print-directory -C "$$dir" "$$target"; \
	else cmake --build "$$dir" -j$(JOBS) --target "$$target"; fi \
	$(if $(filter $@,$(OPTIONAL)),|| echo "builds.mk: $@ failed (reported later)")
