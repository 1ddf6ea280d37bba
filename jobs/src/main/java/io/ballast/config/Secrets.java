package io.ballast.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which settings are secrets, so that what the job shows of its configuration (the effective
 * configuration it logs at start) never holds one.
 *
 * <p>The rule, on the name of a Ballast option or a Kafka client property ({@code --kafka.<property>}),
 * lower-cased and cut into words at {@code .}, {@code -} and {@code _}: a secret is
 * <ul>
 *   <li>{@code sasl.jaas.config} (it holds the SASL password);</li>
 *   <li>a name with a word containing {@code password}, {@code passwd}, {@code passphrase},
 *       {@code secret} or {@code token} ({@code ssl.key.password}, {@code ssl.truststore.password},
 *       {@code sasl.oauthbearer.client.credentials.client.secret}, {@code registry.bearer-token}; also
 *       {@code sasl.oauthbearer.token.endpoint.url}, harmlessly);</li>
 *   <li>a name with a word that is {@code key} or ends with it ({@code ssl.keystore.key},
 *       {@code api.key}, {@code apikey}, {@code private.key.passphrase}), except {@code key} as the
 *       first word: {@code key.serializer}, {@code key.deserializer} and the like name the record's
 *       key; {@code ssl.keystore.location}, {@code ssl.keymanager.algorithm} or
 *       {@code partitioner.ignore.keys} have no such word;</li>
 *   <li>user info, the words {@code user} then {@code info}, or {@code userinfo}
 *       ({@code registry.basic-auth.user-info}, {@code basic.auth.user.info}).</li>
 * </ul>
 * except a name whose last word is {@code file} ({@code registry.bearer-token-file}): its value is the
 * path of the file that holds the secret, shown as it is like {@code ssl.keystore.location}.
 * The value of a secret is shown as {@value #MASK}, whatever its length, unless it is nothing but a
 * configuration-provider reference such as {@code ${env:NAME}} or {@code ${file:/path:key}}, which
 * names where the secret is and is shown as it is. A URL's user info ({@code https://user:pw@host})
 * is masked wherever it appears.
 */
public final class Secrets {

    /** What a secret value is shown as. */
    public static final String MASK = "******";

    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "passphrase", "secret", "token");
    private static final Pattern WORDS = Pattern.compile("[._-]");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^{}]+}");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

    private Secrets() {
    }

    /** Whether a setting of this name holds a secret (the rule above). */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("sasl.jaas.config")) {
            return true;
        }
        String[] words = WORDS.split(n);
        if (words.length > 1 && words[words.length - 1].equals("file")) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            if (SECRET_WORDS.stream().anyMatch(w::contains)) {
                return true;
            }
            if (w.endsWith("key") && !(i == 0 && w.equals("key"))) {
                return true;
            }
            if (w.equals("userinfo") || (w.equals("user") && i + 1 < words.length && words[i + 1].equals("info"))) {
                return true;
            }
        }
        return false;
    }

    /** The value of the setting {@code name} as it may be shown: masked when secret, a URL's user info masked. */
    public static String shown(String name, String value) {
        if (value == null) {
            return "(none)";
        }
        if (isSecret(name) && !REFERENCE.matcher(value.trim()).matches()) {
            return MASK;
        }
        return URL_USER_INFO.matcher(value).replaceAll(MASK + "@");
    }
}
