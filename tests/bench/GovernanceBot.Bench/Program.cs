using GovernanceBot.Bench;

return args is ["qa", ..]
    ? QaBenchmark.Run(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run --project tests/bench/GovernanceBot.Bench -- qa [--questions FILE] [--knowledge DIR] [--out DIR] [--misses]");
    return 2;
}
