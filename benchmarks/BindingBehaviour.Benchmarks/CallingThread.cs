using System.Runtime.InteropServices;

namespace BindingBehaviour.Benchmarks;

/// <summary>
/// Pins only the thread that issues the cells. taskset pins a whole process, and a .NET process is more than its
/// main thread: the tiered-compilation worker keeps compiling the passes' untimed setup for dozens of passes, and on a
/// shared core that work lands inside the timed loop (0.90-0.94 of the floor with the whole process pinned, 0.95-1.00
/// with only this thread pinned, benchmarks/README.md). The C floor is one thread, so taskset pins all of it.
/// </summary>
internal static partial class CallingThread
{
    /// <summary>Binds the calling thread to <paramref name="cpu"/>; false, with errno, when the kernel refuses.</summary>
    public static bool PinTo(int cpu, out int errno)
    {
        // A cpu_set_t of 1024 bits (glibc's CPU_SETSIZE), as sched_setaffinity(2) takes it.
        var mask = new ulong[1024 / 64];
        mask[cpu / 64] = 1UL << (cpu % 64);

        // pid 0 is the calling thread, not the process (sched_setaffinity(2)).
        var result = SchedSetAffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask);
        errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
        return result == 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, [In] ulong[] mask);
}
