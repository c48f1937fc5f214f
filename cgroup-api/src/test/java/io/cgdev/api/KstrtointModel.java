package io.cgdev.api;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second, independent reading of the kernel's {@code kstrtoint(s, 0)} (lib/kstrtox.c) for the
 * property test: one regular expression per base picks the digits the kernel consumes, BigInteger
 * does the arithmetic. Answers the value or the errno's name.
 */
final class KstrtointModel {
  private static final Pattern FORM = Pattern.compile("(-|\\+)?(0[xX](?=[0-9a-fA-F])[0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)?(.*)", Pattern.DOTALL);
  private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

  private KstrtointModel() {}

  static String parse(String s) {
    Matcher m = FORM.matcher(s);
    if (!m.matches()) {
      return "EINVAL";
    }
    String digits = m.group(2);
    String rest = m.group(3);
    if (digits == null) {
      return "EINVAL";
    }
    BigInteger v;
    if (digits.length() > 1 && (digits.charAt(1) == 'x' || digits.charAt(1) == 'X')) {
      v = new BigInteger(digits.substring(2), 16);
    } else if (digits.startsWith("0")) {
      v = new BigInteger(digits, 8);
    } else {
      v = new BigInteger(digits);
    }
    if (v.compareTo(U64) >= 0) {
      return "ERANGE";
    }
    if (!rest.isEmpty() && !rest.equals("\n")) {
      return "EINVAL";
    }
    if ("-".equals(m.group(1))) {
      v = v.negate();
    }
    if (v.bitLength() > 31) {
      return "ERANGE";
    }
    return v.toString();
  }
}
