package org.kumiki.inference.api.dto;

/** A model input or output: name, OIP datatype name and shape (-1: variable dimension). */
public class TensorMetadataDTO {
    public String name;
    public String datatype;
    public long[] shape;
}
