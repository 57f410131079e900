package io.streamwatch.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The version for {@code --version}, read from the Maven metadata packaged in the jar so it never
 * drifts from the build.
 */
public class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES =
            "/META-INF/maven/io.streamwatch/streamwatch/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {"Streamwatch " + version(), "for Apache Flink 2.2"};
    }

    static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(development build)");
            }
        } catch (IOException e) {
            // fall through: a version is informative, not worth failing for
        }
        return "(development build)";
    }
}
