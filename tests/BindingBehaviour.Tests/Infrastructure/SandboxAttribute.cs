namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Which network namespace a claim's child process runs in.</summary>
public enum NetworkNamespace
{
    /// <summary>The test process's own.</summary>
    This,

    /// <summary>unshare --net: a new one with only loopback, which needs root (CAP_SYS_ADMIN).</summary>
    New,

    /// <summary>
    /// unshare --user --map-root-user --net: a new one owned by a new user namespace, whose root is this process's user
    /// (nobody when this process is root).
    /// </summary>
    NewInUserNamespace,
}

/// <summary>
/// Declares the environment a claim's test runs its probe in (<see cref="LinuxSandbox"/>): checked by trying it before the
/// body runs, so the body only runs its experiment there (<c>Sandbox().Probe(...)</c>), and a machine that cannot
/// build the environment skips with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SandboxAttribute(NetworkNamespace where) : Attribute
{
    public NetworkNamespace Where { get; } = where;

    /// <summary>A sysctl set inside the new namespace, as "key=value".</summary>
    public string? Sysctl { get; init; }

    /// <summary>The probe runs as nobody (uid and gid 65534).</summary>
    public bool AsNobody { get; init; }

    public LinuxSandbox Build()
    {
        var sandbox = LinuxSandbox.In(Where);
        if (Sysctl is { } sysctl)
        {
            var equals = sysctl.IndexOf('=', StringComparison.Ordinal);
            sandbox = equals > 0
                ? sandbox.Sysctl(sysctl[..equals], sysctl[(equals + 1)..])
                : throw new InvalidOperationException($"A sandbox's sysctl is \"key=value\", not \"{sysctl}\".");
        }

        return AsNobody ? sandbox.AsUserNobody() : sandbox;
    }
}
