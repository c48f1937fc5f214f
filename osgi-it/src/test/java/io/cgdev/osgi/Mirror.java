package io.cgdev.osgi;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Calls public API methods on objects that live inside the OSGi framework. The test runs outside
 * it, so cgdev's types there are not the test's types: methods are found by name and argument count
 * on a public type of the object (its class, superclasses or interfaces). A cgdev exception thrown
 * inside comes back as {@link Failure} carrying its errno's name.
 */
final class Mirror {
  final Object target;

  private Mirror(Object target) {
    this.target = target;
  }

  static Mirror of(Object target) {
    return new Mirror(target);
  }

  /** Calls a public method. */
  Mirror call(String name, Object... args) {
    Method m = find(target.getClass(), name, args.length);
    try {
      return new Mirror(m.invoke(target, args));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      String errno = null;
      try {
        errno = String.valueOf(cause.getClass().getMethod("errno").invoke(cause));
      } catch (ReflectiveOperationException ignored) {
        // not a CgroupException
      }
      throw new Failure(errno, cause);
    } catch (IllegalAccessException e) {
      throw new AssertionError("cannot call " + name + " on " + target.getClass().getName(), e);
    }
  }

  <T> T as(Class<T> type) {
    return type.cast(target);
  }

  String string() {
    return String.valueOf(target);
  }

  private static Method find(Class<?> type, String name, int arity) {
    Deque<Class<?>> todo = new ArrayDeque<>();
    todo.add(type);
    while (!todo.isEmpty()) {
      Class<?> c = todo.poll();
      if (Modifier.isPublic(c.getModifiers())) {
        for (Method m : c.getMethods()) {
          if (m.getName().equals(name) && m.getParameterCount() == arity
              && Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return m;
          }
        }
      }
      if (c.getSuperclass() != null) {
        todo.add(c.getSuperclass());
      }
      todo.addAll(java.util.List.of(c.getInterfaces()));
    }
    throw new AssertionError("no public method " + name + "/" + arity + " on " + type.getName());
  }

  /** An exception thrown inside the framework. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String errno;

    Failure(String errno, Throwable cause) {
      super(errno + ": " + cause.getMessage(), cause);
      this.errno = errno;
    }
  }
}
