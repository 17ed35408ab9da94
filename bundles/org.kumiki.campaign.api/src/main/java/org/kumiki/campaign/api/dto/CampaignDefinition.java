package org.kumiki.campaign.api.dto;

import java.util.ArrayList;
import java.util.List;

/** A campaign as written in its file. */
public class CampaignDefinition {
    /** A short name, e.g. {@code synthesis}. */
    public String name;
    public String description;
    /** Seeds every proposer: the same seed and the same results give the same proposals. */
    public long seed;
    public List<ParameterDTO> parameters = new ArrayList<>();
    /** Linear constraints over continuous and integer parameters. */
    public List<ConstraintDTO> constraints = new ArrayList<>();
    public List<ObjectiveDTO> objectives = new ArrayList<>();
    public BudgetDTO budget = new BudgetDTO();
    /** How many evaluations run at once. */
    public int batchSize = 1;
    public ProposerDTO proposer = new ProposerDTO();
    public RetryDTO retry = new RetryDTO();
    /** Steps each point goes through, in order; the objectives are read from their results. */
    public List<StepDTO> pipeline = new ArrayList<>();
    /** The file it was read from, or null. */
    public String source;
    /** SHA-256 (hex) of the file's bytes, or null. */
    public String sourceHash;
}
