print("lontar: under construction")
