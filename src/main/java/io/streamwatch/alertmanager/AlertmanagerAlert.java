package io.streamwatch.alertmanager;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One alert as Alertmanager's {@code POST /api/v2/alerts} takes it, mapped from one record of the
 * alerts topic, with the Streamwatch fingerprint it belongs to. The {@code generatorURL} is added
 * when it is sent ({@link #body(String)}), since the link to the job can change while an alert
 * fires (a job resubmitted gets a new id).
 *
 * @param fingerprint the record's fingerprint: one alert across its transitions
 * @param firing false for a resolve (the body then has {@code endsAt})
 * @param alert the alert without {@code generatorURL}; never changed after construction
 */
public record AlertmanagerAlert(String fingerprint, boolean firing, ObjectNode alert) {

    /** The alert to post, with {@code generatorURL} when there is one. */
    public ObjectNode body(String generatorUrl) {
        ObjectNode out = alert.deepCopy();
        if (generatorUrl != null && !generatorUrl.isEmpty()) {
            out.put("generatorURL", generatorUrl);
        }
        return out;
    }

    /** The value of label {@code name}, or null. */
    public String label(String name) {
        return alert.path("labels").path(name).textValue();
    }
}
