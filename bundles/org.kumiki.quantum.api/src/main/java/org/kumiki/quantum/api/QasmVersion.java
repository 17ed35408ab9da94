package org.kumiki.quantum.api;

/** OpenQASM language versions. */
public enum QasmVersion { V2, V3 }
