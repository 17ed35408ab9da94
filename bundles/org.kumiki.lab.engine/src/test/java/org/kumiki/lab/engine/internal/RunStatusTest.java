package org.kumiki.lab.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.RunSummaryDTO;

class RunStatusTest {

    @Test
    void exitStatusWordsMapBothWays() {
        for (RunStatus s : RunStatus.values()) {
            assertEquals(s, RunStatus.of(s.exitStatus()));
            assertEquals(s, RunStatus.of(s.name()));
        }
        assertEquals("success", RunStatus.SUCCESS.exitStatus());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStatus.of("great"));
        assertEquals("run status 'great' is not one of running, success, abort, fail, incomplete", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunStatus.of(null));
    }

    @Test
    void aStopDocumentWithAnUndefinedExitStatusIsAFailure() {
        assertEquals(RunStatus.SUCCESS, DocumentStore.statusOf("success"));
        assertEquals(RunStatus.ABORT, DocumentStore.statusOf("abort"));
        assertEquals(RunStatus.FAIL, DocumentStore.statusOf("fail"));
        // not exit statuses of a stop document
        assertEquals(RunStatus.FAIL, DocumentStore.statusOf("running"));
        assertEquals(RunStatus.FAIL, DocumentStore.statusOf("incomplete"));
        assertEquals(RunStatus.FAIL, DocumentStore.statusOf("exploded"));
    }

    @Test
    void indexEntriesWrittenWithTheLowerCaseWordAreRead() throws Exception {
        RunSummaryDTO old = DocumentStore.Json.MAPPER.readValue("{\"uid\":\"run-x\",\"status\":\"success\"}", RunSummaryDTO.class);
        assertEquals(RunStatus.SUCCESS, old.status);
        String now = DocumentStore.Json.MAPPER.writeValueAsString(old);
        assertEquals(RunStatus.SUCCESS, DocumentStore.Json.MAPPER.readValue(now, RunSummaryDTO.class).status);
    }
}
