#ifndef CFUZZER_H
#define CFUZZER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt FuzzerInterface.h): runs the fuzzing loop with `callback`
/// as the target and the command line in argc/argv. Called from each target's own `main`,
/// because SwiftPM links an executable's `main` to the target's entry point, which would
/// otherwise hide libFuzzer's.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
