// The package's front door, as the guide shows; apps may also import one component by path ("@repo/ui/button").
export { Button, type ButtonProps, type ButtonVariant } from "./Button";
export { Card, type CardProps } from "./Card";
