package io.streamwatch.alertmanager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts firing now, by fingerprint, as the alerts topic says: a firing record adds (or
 * replaces) one, a resolve or a tombstone (a null value on a compacted topic) removes it. Read from
 * the beginning of the topic, it is the firing set a restarted bridge re-sends.
 */
public final class FiringAlerts {
    private final Map<String, AlertmanagerAlert> firing = new LinkedHashMap<>();

    /**
     * Applies one transition and returns what Alertmanager must hear about it: the alert itself, or
     * for a tombstone of a firing alert its resolve (ending {@code endsAt}); null when there is
     * nothing to send (a tombstone of an alert that is not firing).
     */
    public AlertmanagerAlert apply(AlertmanagerAlert transition) {
        if (transition.firing()) {
            firing.put(transition.fingerprint(), transition);
        } else {
            firing.remove(transition.fingerprint());
        }
        return transition;
    }

    /** A tombstone: the alert is gone; returns its resolve if it was firing, else null. */
    public AlertmanagerAlert delete(String fingerprint, String endsAt) {
        AlertmanagerAlert was = firing.remove(fingerprint);
        if (was == null) {
            return null;
        }
        var body = was.alert().deepCopy();
        body.put("endsAt", endsAt);
        return new AlertmanagerAlert(fingerprint, false, body);
    }

    /** The firing alerts, in the order they first fired. */
    public List<AlertmanagerAlert> all() {
        return new ArrayList<>(firing.values());
    }

    public int size() {
        return firing.size();
    }

    public boolean isFiring(String fingerprint) {
        return firing.containsKey(fingerprint);
    }
}
