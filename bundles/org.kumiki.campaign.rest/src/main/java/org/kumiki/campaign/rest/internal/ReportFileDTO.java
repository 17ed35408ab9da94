package org.kumiki.campaign.rest.internal;

/** Where {@code POST /api/campaign/campaigns/{id}/report} wrote the HTML report (an RO-Crate beside it). */
public class ReportFileDTO {
    public String id;
    /** The HTML page on the server's disk. */
    public String path;
    /** The folder with ro-crate-metadata.json and a copy of the campaign file. */
    public String folder;
}
