package io.ballast.sandbox.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * Chart.js, read from its WebJar on the classpath ({@code org.webjars:chartjs}), to be inlined into the
 * report so the page works offline, on its own.
 */
final class ChartJs {

    private static final String POM_PROPERTIES = "META-INF/maven/org.webjars/chartjs/pom.properties";

    private ChartJs() {
    }

    static String version() throws IOException {
        try (InputStream in = resource(POM_PROPERTIES)) {
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null) {
                throw new IOException("No version in " + POM_PROPERTIES);
            }
            return v;
        }
    }

    /** The UMD bundle, which defines the global {@code Chart}. */
    static String source() throws IOException {
        String path = "META-INF/resources/webjars/chartjs/" + version() + "/dist/chart.umd.js";
        try (InputStream in = resource(path)) {
            String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // Inside a <script> element, "</script" would end it early.
            return js.replace("</script", "<\\/script");
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = ChartJs.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IOException("Chart.js is not on the classpath (" + path + "): the WebJar org.webjars:chartjs is missing");
        }
        return in;
    }
}
