/**
 * The plugin SPI. Controllers implement {@link io.cgdev.api.spi.Controller}; drivers implement
 * {@link io.cgdev.api.spi.DriverProvider}. Both are found with {@link java.util.ServiceLoader} or
 * handed to the core's builder.
 *
 * <p>Threading, in one place: <em>structural</em> calls (bind, state creation, online, offline,
 * free, attach, file writes that change configuration) come from the core while it holds its
 * hierarchy lock, one at a time; <em>hot</em> calls (charges, scheduling, counter reads) come from any
 * thread without a lock and must be lock-free or finely locked by the plugin. Each type says which
 * of its methods are which.
 */
package io.cgdev.api.spi;
