package org.kumiki.lab.api.dto;

/** Describes one data key, as event-model's DataKey (the descriptor's {@code data_keys} entries). */
public class DataKeyDTO {
    /** Where the data comes from, e.g. {@code SIM:m1} or {@code OPCUA:ns=2;s=Temp}. */
    public String source;
    /** One of event-model's dtypes: string, number, array, boolean, integer. */
    public String dtype;
    /** Array shape; empty for scalars. */
    public int[] shape = new int[0];
    /** Engineering units, or null. */
    public String units;
    /** Control limits (soft limits of a set point), or null. */
    public LimitsDTO limits;
    /** Display precision (digits), or null. */
    public Integer precision;
    /** Set (e.g. {@code FILESTORE:}) when the values are stored outside the events: readings are then {@link ExternalDatumDTO}s. */
    public String external;
    /** Name of the device this key belongs to. */
    public String object_name;

    public static DataKeyDTO number(String source, String units, String objectName) {
        DataKeyDTO k = new DataKeyDTO();
        k.source = source;
        k.dtype = "number";
        k.units = units;
        k.object_name = objectName;
        return k;
    }
}
