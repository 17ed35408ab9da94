/**
 * One crash-safe record store for every domain: an append-only log of keyed records with
 * CRC-checked framing, group-committed fsync and compaction. Domains keep their live state in
 * memory and use a journal to get it back after a crash.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.platform.api.journal;
