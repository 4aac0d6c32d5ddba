// The header only declares libFuzzer's driver; this file exists because SwiftPM needs a source.
#include "CFuzzer.h"
