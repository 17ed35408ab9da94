package org.kumiki.campaign.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.FileErrorDTO;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;

class ArchiveEvaluatorTest {

    final List<TransferRequest> submitted = new ArrayList<>();
    TransferTaskDTO outcome;

    TransferService transfers() {
        return (TransferService) Proxy.newProxyInstance(TransferService.class.getClassLoader(), new Class<?>[] {TransferService.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "endpoints": {
                    EndpointDTO f = new EndpointDTO();
                    f.schemes = List.of("file");
                    EndpointDTO s = new EndpointDTO();
                    s.schemes = List.of("sftp");
                    return List.of(f, s);
                }
                case "submit": {
                    submitted.add((TransferRequest) args[0]);
                    TransferTaskDTO t = new TransferTaskDTO();
                    t.id = "xfer-1";
                    t.request = (TransferRequest) args[0];
                    t.state = TransferState.QUEUED;
                    return t;
                }
                case "task": return "xfer-1".equals(args[0]) ? Optional.of(outcome) : Optional.empty();
                case "await": return CompletableFuture.completedFuture(outcome);
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    static EvaluationRequest request(String to, String... refs) {
        EvaluationRequest r = new EvaluationRequest();
        r.campaignId = "synthesis-1";
        r.evaluationId = "synthesis-1-4";
        r.stepName = "archive";
        r.attempt = 2;
        r.options.put("to", to);
        r.dataRefs.addAll(List.of(refs));
        return r;
    }

    @Test
    void movesTheLocationsAmongTheDataRefsVerifiedWithSha256() throws Exception {
        ArchiveEvaluator ev = new ArchiveEvaluator(transfers());
        String h = ev.start(request("sftp://store/archive/{campaign}/{evaluation}", "run-uid-1", "task:task-7",
                "file:///state/campaign/lab/synthesis-1/run.json", "file:///data/set/", "s3://bucket/x", "not a uri"));
        assertEquals("xfer-1", h);
        TransferRequest t = submitted.get(0);
        assertEquals(List.of("file:///state/campaign/lab/synthesis-1/run.json -> sftp://store/archive/synthesis-1/synthesis-1-4/run.json (file)",
                "file:///data/set/ -> sftp://store/archive/synthesis-1/synthesis-1-4/set/ (folder)"),
                t.items.stream().map(i -> i.source + " -> " + i.destination + (i.recursive ? " (folder)" : " (file)")).collect(Collectors.toList()));
        assertEquals("sha256", t.checksum);
        assertEquals(Boolean.TRUE, t.verify);
        assertEquals("campaign-archive-synthesis-1-4-archive-2", t.clientSubmissionId, "a retried start is the same transfer");
    }

    @Test
    void nothingToMoveIsAnEmptyResultWithoutATransfer() throws Exception {
        ArchiveEvaluator ev = new ArchiveEvaluator(transfers());
        String h = ev.start(request("file:///archive/", "run-uid-1", "task-3"));
        assertEquals(0, submitted.size());
        assertEquals(Map.of(), ev.result(h).toCompletableFuture().get(5, TimeUnit.SECONDS).values);
    }

    @Test
    void aFailedTransferFailsTheStepWithOneLine() {
        ArchiveEvaluator ev = new ArchiveEvaluator(transfers());
        outcome = new TransferTaskDTO();
        outcome.id = "xfer-1";
        outcome.state = TransferState.FAILED;
        FileErrorDTO err = new FileErrorDTO();
        err.message = "cannot create\nfolder: not a directory";
        outcome.errors.add(err);
        ExecutionException e = assertThrows(ExecutionException.class, () -> ev.result("xfer-1").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals("archive transfer xfer-1 failed: cannot create folder: not a directory", e.getCause().getMessage());
        e = assertThrows(ExecutionException.class, () -> ev.result("xfer-9").toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertEquals("unknown transfer 'xfer-9'", e.getCause().getMessage());
    }

    @Test
    void badOptionsAreOneLineEach() throws Exception {
        ArchiveEvaluator ev = new ArchiveEvaluator(transfers());
        StepDTO s = new StepDTO();
        s.name = "archive";
        s.options.put("to", "s3://bucket/{campaign}/");
        s.options.put("too", 1);
        assertEquals("too: unknown option 'too' (known: to)\nto: to: no endpoint for scheme 's3' (known: file, sftp)",
                ev.validate(null, s).stream().map(OptionProblem::toString).collect(Collectors.joining("\n")));
        s.options.clear();
        assertEquals("'to' must be the archive folder's URI, e.g. file:///data/archive/{campaign}/{evaluation}/",
                ev.validate(null, s).stream().map(OptionProblem::toString).collect(Collectors.joining("\n")));
        s.options.put("to", "file:///a b/");
        assertEquals("to: to: not a URI: Illegal character in path at index 9: file:///a b/",
                ev.validate(null, s).stream().map(OptionProblem::toString).collect(Collectors.joining("\n")));
        Exception x = assertThrows(IllegalArgumentException.class, () -> ev.start(request("ftp://host/")));
        assertEquals("archive step 'archive': to: no endpoint for scheme 'ftp' (known: file, sftp)", x.getMessage());
    }
}
