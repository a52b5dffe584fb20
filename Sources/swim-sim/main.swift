print("swim-sim")
